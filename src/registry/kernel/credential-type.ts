/** The credential type a provider's key is stored under unless another is named (ai_credentials.credential_type). */
export const DEFAULT_CREDENTIAL_TYPE = 'api_key';
