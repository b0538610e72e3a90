import type { ProviderConfig } from '../entities/provider-config.entity';

/** A write's rows as it left them, to go into the snapshot without a query (unless a load overlapped it). */
export interface PendingApply {
  row: ProviderConfig;
  sentAt: number;
}

/** What one load covers: everything, or the named providers and the rows writes handed back. */
export interface ReloadBatch {
  full: boolean;
  /** Providers to read again. The loader adds those of `applies` it cannot trust, so a failure requeues them too. */
  providers: Set<string>;
  applies: Map<string, PendingApply>;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  waitsFor?: ReadonlySet<string>;
}

/**
 * Coalesces reload requests into loads, one at a time. Requests arriving while a load runs join
 * the next one, so a caller waits for at most the load in flight plus its own, however many
 * requests stream in: no starvation, no unbounded loop. A failed load loses nothing: what it
 * carried is queued again and retried, backing off, until it loads.
 */
export class ReloadQueue {
  private pending = new Set<string>();
  private pendingFull = false;
  private applies = new Map<string, PendingApply>();
  private waiters: Waiter[] = [];
  private loading: Promise<void> | null = null;
  private retryMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly load: (batch: ReloadBatch) => Promise<void>,
    /** Told of each failed load and when it is retried (logging, metrics). */
    private readonly onFailure: (error: unknown, retryMs: number) => void,
  ) {}

  /** Whether named providers wait for a load (a full load alone does not count). */
  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  requestAll(): void {
    this.pendingFull = true;
  }

  request(providers: Iterable<string>): void {
    for (const provider of providers) this.pending.add(provider);
  }

  /** A write's row for `provider`, applied as it is unless a load or a reload of it supersedes it. */
  apply(provider: string, pending: PendingApply): void {
    this.applies.set(provider, pending);
  }

  /**
   * Resolves once what is queued now has loaded; `waitsFor` names the providers the caller needs
   * (its write's), so it is not failed by another provider's reload failing in the same batch
   * (undefined: the whole batch).
   */
  enqueue(waitsFor?: ReadonlySet<string>): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject, waitsFor }));
    // Started on a later tick, never inline: a drain with nothing to await would otherwise finish
    // (and clear `loading`) before the assignment, leaving a settled promise that blocks every later one.
    this.loading ??= Promise.resolve().then(() => this.drain());
    return done;
  }

  /** Shutting down: no retries; what is queued is dropped and its waiters released at the next drain. */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private async drain(): Promise<void> {
    if (this.closed) {
      // Shutting down: the data source may be gone; nobody is served by a reload any more.
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
      this.pending.clear();
      this.applies.clear();
      this.pendingFull = false;
      this.loading = null;
      return;
    }
    try {
      while (this.pendingFull || this.pending.size > 0 || this.applies.size > 0) {
        const batch: ReloadBatch = { full: this.pendingFull, providers: this.pending, applies: this.applies };
        const waiters = this.waiters;
        this.pendingFull = false;
        this.pending = new Set();
        this.applies = new Map();
        this.waiters = [];
        try {
          await this.load(batch);
          this.retryMs = 0;
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          // A full load supersedes the named providers; otherwise exactly those it was reading are retried.
          const reloading = batch.full ? new Set<string>() : batch.providers;
          if (batch.full) this.pendingFull = true;
          for (const provider of reloading) this.pending.add(provider);
          this.scheduleRetry();
          for (const waiter of waiters) {
            const spared = !batch.full && waiter.waitsFor !== undefined && [...waiter.waitsFor].every((p) => !reloading.has(p));
            if (spared) waiter.resolve();
            else waiter.reject(error);
          }
          this.onFailure(error, this.retryMs);
          // Not again at once: the retry timer (or the next request) starts the next attempt, so a
          // database that fails fast cannot turn this loop into a busy one.
          return;
        }
      }
    } finally {
      this.loading = null;
    }
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    this.retryMs = Math.min(Math.max(this.retryMs * 2, 250), 30_000);
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.enqueue().catch(() => undefined); // a failure is reported and retried by drain()
    }, this.retryMs);
    this.retryTimer.unref();
  }
}
