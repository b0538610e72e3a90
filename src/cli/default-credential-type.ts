/**
 * The registry's DEFAULT_CREDENTIAL_TYPE, written out so that the commands' --help, which names it,
 * loads no registry; default-credential-type.spec.ts holds it to the registry's.
 */
export const DEFAULT_CREDENTIAL_TYPE = 'api_key';
