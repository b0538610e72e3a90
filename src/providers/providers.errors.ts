import { DomainError } from '../common/domain-error';

export class UnknownProviderError extends DomainError {
  readonly code = 'UNKNOWN_PROVIDER';
  readonly kind = 'not_found';
  constructor(readonly provider: string) {
    super(`Unknown provider "${provider}": it is neither in the catalog nor in provider_configs`);
  }
}

export class CredentialNotFoundError extends DomainError {
  readonly code = 'CREDENTIAL_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(
    readonly provider: string,
    readonly credentialType: string,
  ) {
    super(`No ${credentialType} credential is stored for provider "${provider}"`);
  }
}

/** Bad input to a service: names the field and the rule broken, never the value (it may be a secret). */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  readonly kind = 'invalid_input';
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
  }
}
