import { EventEmitter } from 'node:events';
import type { Coordination } from '../../registry/kernel/coordination';

/** The embedded database has one owner process, so an in-process lock is a global one. */
export class EmbeddedCoordination implements Coordination {
  private readonly tails = new Map<string, Promise<unknown>>();
  /** An in-process lock cannot be lost while its holder runs, so this never aborts. */
  private readonly held = new AbortController().signal;

  constructor(private readonly notifications: EventEmitter | undefined) {}

  async withLock<T>(key: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => fn(this.held));
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  async subscribe(channel: string, handler: (payload: string) => void): Promise<() => void> {
    // A tool that reaches the folder through the owner's socket sees no notifications: it is short-lived.
    if (!this.notifications) return () => undefined;
    const listener = (name: string, payload: string) => {
      if (name === channel) handler(payload);
    };
    this.notifications.on('notification', listener);
    return () => this.notifications?.off('notification', listener);
  }

  async close(): Promise<void> {
    this.tails.clear();
  }
}
