/**
 * What kind of failure a domain error is, so each edge maps it once: REST to a status code, the CLI
 * to a message and exit code. Services never throw HttpException.
 */
export type DomainErrorKind =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'misconfigured'
  /** No, or no valid, credentials of the caller (an API token). */
  | 'unauthenticated'
  /** Valid credentials without the right to do this. */
  | 'forbidden'
  /** A precondition of the request (If-Match) no longer holds. */
  | 'precondition_failed'
  /** Well-formed, but it cannot apply (an idempotency key reused for a different batch). */
  | 'not_applicable';

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
