import { DomainError } from '../../common/domain-error';
import { quoteInput, truncateInput } from '../../common/json-guard/text-rules';

/*
 * These errors are built from what a caller passed (a slug from a URL, a CLI argument). Their messages
 * quote it with quoteInput (JSON escapes, first 64 characters), and their fields keep at most those 64
 * characters, because both end up in responses and log lines: raw input could forge a log entry or
 * flood the log.
 */

export class UnknownProviderError extends DomainError {
  readonly code = 'UNKNOWN_PROVIDER';
  readonly kind = 'not_found';
  readonly provider: string;
  constructor(provider: string) {
    // The edges add the providers there are (the API's 404, the CLI's line).
    super(`Unknown provider ${quoteInput(provider)}`);
    this.provider = truncateInput(provider);
  }
}

export class CredentialNotFoundError extends DomainError {
  readonly code = 'CREDENTIAL_NOT_FOUND';
  readonly kind = 'not_found';
  readonly provider: string;
  readonly credentialType: string;
  constructor(provider: string, credentialType: string) {
    super(`No ${quoteInput(credentialType)} credential is stored for provider ${quoteInput(provider)}`);
    this.provider = truncateInput(provider);
    this.credentialType = truncateInput(credentialType);
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

/** A conditional write (If-Match) found the row changed since the caller read it. */
export class StaleVersionError extends DomainError {
  readonly code = 'STALE_VERSION';
  readonly kind = 'precondition_failed';
  constructor(readonly provider: string) {
    super(`${quoteInput(provider)} changed since it was read: read it again (its new ETag) and reapply the change`);
  }
}
