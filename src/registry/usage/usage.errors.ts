import { DomainError } from '../../common/domain-error';

/** An Idempotency-Key already used for a batch with other records: counting either would guess the caller's intent. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly kind = 'not_applicable';
  constructor() {
    super(
      'This Idempotency-Key was already used for a different usage batch; a retry must send the same records, new usage needs a new key',
    );
  }
}

/** A batch whose sums the bigint counters cannot hold: nothing of it was written, and its key stays unused. */
export class UsageOutOfRangeError extends DomainError {
  readonly code = 'USAGE_OUT_OF_RANGE';
  readonly kind = 'not_applicable';
  constructor() {
    super('With this batch a usage counter would pass its maximum (2^63 - 1); nothing of it was written');
  }
}
