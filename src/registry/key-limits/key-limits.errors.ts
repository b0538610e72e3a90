import { DomainError } from '../../common/domain-error';

/** Which limit refused a call: a rate (requests or tokens per minute), the calls in flight, or the budget. */
export type KeyLimitKind = 'requests' | 'tokens' | 'parallel' | 'budget';

/**
 * A consumer key's limit refuses this call now: the edge answers 429 (`insufficient_quota` for the
 * budget, `rate_limit_exceeded` for the rest) with Retry-After, or, when no wait helps (a call past
 * the whole limit), telling clients not to retry. `headers` are the key's rate headers as they stand.
 */
export class KeyLimitExceededError extends DomainError {
  readonly code = 'KEY_LIMIT_EXCEEDED';
  // Only the gateway edge meets it, which maps it itself (429); elsewhere it reads as the key's calls being unavailable now.
  readonly kind = 'unavailable';

  constructor(
    readonly limit: KeyLimitKind,
    /** Seconds until the limit's window ends (1 for calls in flight: a slot may free at any moment). */
    readonly retryAfterSeconds: number,
    message: string,
    readonly headers: Readonly<Record<string, string>>,
    /** Whether waiting that long could let the same call through: not for a call past the whole limit. */
    readonly retryable = true,
  ) {
    super(message);
  }
}
