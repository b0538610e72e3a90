/**
 * What needs several real database sessions: a lock that holds across instances, and change
 * notifications from other processes. PostgreSQL gives both (advisory locks, LISTEN/NOTIFY); the
 * embedded database is one backend session owned by one process, so there the same promises are
 * kept in-process. Services depend on this interface only; the choice is made in create-coordination.ts.
 */
export interface Coordination {
  /** Runs fn while holding a lock named `key` that no other instance (or caller here) holds. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Calls handler for each notification on `channel` committed by any instance. Resolves, with an
   * unsubscribe, once delivery is live. After a lost connection comes back the handler is called
   * with an empty payload, since notifications sent meanwhile are gone.
   */
  subscribe(channel: string, handler: (payload: string) => void): Promise<() => void>;
  close(): Promise<void>;
}

export const COORDINATION = Symbol('Coordination');

/** The channel on which instances tell each other that registry state changed. */
export const CHANGE_CHANNEL = 'ai_registry_changes';
