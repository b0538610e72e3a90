import { DomainError } from '../../common/domain-error';

/**
 * What needs several real database sessions: a lock that holds across instances, and change
 * notifications from other processes. PostgreSQL gives both (advisory locks, LISTEN/NOTIFY); the
 * embedded database is one backend session owned by one process, so there the same promises are
 * kept in-process. Services depend on this interface only; the choice is made in create-coordination.ts.
 */
export interface Coordination {
  /**
   * Runs fn while holding a lock named `key` that no other instance (or caller here) holds.
   * If the lock is lost while fn runs (its database session dropped), `signal` is aborted so fn can
   * stop early, and withLock rejects with LockLostError whatever fn returned: exclusion was not
   * kept, so the caller must not report the work as done under the lock.
   */
  withLock<T>(key: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /**
   * Calls handler for each notification on `channel` committed by any instance. Resolves, with an
   * unsubscribe, once delivery is live; rejects (registering nothing) when it cannot be made live.
   * After a lost connection comes back the handler is called with an empty payload, since
   * notifications sent meanwhile are gone.
   */
  subscribe(channel: string, handler: (payload: string) => void): Promise<() => void>;
  close(): Promise<void>;
}

export const COORDINATION = Symbol('Coordination');

/** The channel on which instances tell each other that registry state changed. */
export const CHANGE_CHANNEL = 'ai_registry_changes';

/** The channel on which the database announces committed changes to consumer keys (migration CreateConsumerKeys). */
export const CONSUMER_KEYS_CHANNEL = 'ai_registry_consumer_keys';

/** The channel on which an instance refused a consumer key's parallel slot asks the others for their idle ones (payload: the key's id). */
export const PARALLEL_SLOTS_CHANNEL = 'ai_registry_parallel_slots';

export class LockLostError extends DomainError {
  readonly code = 'LOCK_LOST';
  readonly kind = 'unavailable';

  constructor(
    readonly key: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Lost the lock "${key}" while holding it (${reason}): another instance may have run the same work at the same time`);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
