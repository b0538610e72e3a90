import { DomainError } from '../../common/domain-error';

/**
 * Errors raised by the key ring. None of them ever carries key material or plaintext: messages name
 * the environment variable, the key id and (when the caller passes one) a label such as
 * `openai/api_key`, so they can be logged and shown to operators as they are.
 */

/** The configured key ring is unusable; raised at boot so the app refuses to start. */
export class KeyRingError extends DomainError {
  readonly code = 'INVALID_KEY_RING';
  readonly kind = 'misconfigured';
}

/** The envelope names a key id the ring does not hold (e.g. a retired key was removed too early). */
export class UnknownKeyError extends DomainError {
  readonly code = 'CREDENTIAL_KEY_UNKNOWN';
  readonly kind = 'misconfigured';

  constructor(
    readonly keyId: string,
    readonly knownKeyIds: readonly string[],
    readonly label?: string,
  ) {
    super(
      `${subject(label)} was encrypted with key "${keyId}", which is not in the key ring ` +
        `(known: ${knownKeyIds.join(', ')}); add that key back to CREDENTIALS_KEYS to read it`,
    );
  }
}

export type DecryptFailureReason = 'malformed' | 'unsupported-version' | 'authentication-failed';

/**
 * Stored data cannot be turned back into plaintext; we never return partial or unauthenticated output.
 * `misconfigured` rather than `invalid_input`: the caller did nothing wrong, the stored row or the
 * configured key is at fault, and retrying will not help.
 */
export class CredentialDecryptError extends DomainError {
  readonly code = 'CREDENTIAL_DECRYPT_FAILED';
  readonly kind = 'misconfigured';

  constructor(
    readonly reason: DecryptFailureReason,
    detail: string,
    readonly label?: string,
  ) {
    super(`${subject(label)} could not be decrypted: ${detail}`);
  }
}

function subject(label: string | undefined): string {
  return label ? `Credential ${label}` : 'Credential';
}
