import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CHANGE_CHANNEL, Coordination } from '../../database/coordination/coordination';
import { RegistryMetrics } from '../../metrics/registry-metrics';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { credentialAad, destinationOf } from '../credentials/credential-aad';
import { KeyRing } from '../credentials/key-ring';
import { KEY_RING } from '../credentials/key-ring.provider';
import type { AICredential } from '../entities/ai-credential.entity';
import type { ProviderConfig } from '../entities/provider-config.entity';
import { ProviderConfigRepository } from '../provider-configs/provider-config.repository';
import { REGISTRY_COORDINATION, REGISTRY_SETTINGS, RegistrySettings } from '../providers.options';
import { applyChanges, buildSnapshot, toProviderState } from './build-snapshot';
import { parseChangeNotification } from './change-notification';
import type { ProviderState, RegistrySnapshot } from './registry-snapshot';
import type { RegistryWrite } from './registry-write';

/** Rows per query of a full resync: keeps each step (and the event-loop time it costs) short. */
const RESYNC_PAGE = 500;
/** How long this process remembers its own writes' transaction ids to skip their echoes. */
const OWN_XID_TTL_MS = 60_000;

interface WriteTicket {
  sentAt: number;
  /** Another write of one of these providers ran at the same time: which committed last is unknown. */
  overlapped: boolean;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  waitsFor?: ReadonlySet<string>;
}

/**
 * The in-memory snapshot every availability and selection answer comes from, so they cost no query.
 *
 * Kept current incrementally: the database's triggers announce every committed change to
 * provider_configs/ai_credentials with the providers it touched; only those are reloaded (one
 * indexed query for however many arrived meanwhile) and the snapshot is swapped atomically. A
 * periodic full resync repairs anything missed (a dropped listener, a notification lost to a crash).
 *
 * Read-your-writes: a writer in this process goes through write(), which returns once the write is
 * in the snapshot. Requests arriving while a load runs join the next one, so a writer waits for at
 * most the load in flight plus its own, however many writes stream in: no starvation, no unbounded loop.
 */
@Injectable()
export class RegistryStateService implements OnModuleDestroy {
  private readonly logger = new Logger(RegistryStateService.name);
  private snapshot: RegistrySnapshot;
  private pending = new Set<string>();
  private pendingFull = false;
  private waiters: Waiter[] = [];
  private loading: Promise<void> | null = null;
  private readonly ownXids = new Map<string, { at: number; providers: ReadonlySet<string> }>();
  private applies = new Map<string, { row: ProviderConfig; sentAt: number }>();
  private readonly writing = new Map<string, Set<WriteTicket>>();
  private readonly deferred = new Map<string, Set<string>>();
  private retryMs = 0;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly loadStartedAt = new Map<string, number>();
  private fullLoadStartedAt = -Infinity;
  private fullyLoaded = false;
  private unsubscribe: (() => void) | null = null;
  private resyncTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly configs: ProviderConfigRepository,
    @Inject(CATALOG) private readonly catalog: Catalog,
    @Inject(REGISTRY_COORDINATION) private readonly coordination: Coordination,
    @Inject(KEY_RING) private readonly keyRing: KeyRing,
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    private readonly metrics: RegistryMetrics,
  ) {
    this.snapshot = buildSnapshot([], catalog);
  }

  /** Subscribes to change notifications, then loads everything. Called once by ProvidersBootstrap. */
  async start(): Promise<void> {
    this.unsubscribe = await this.coordination.subscribe(CHANGE_CHANNEL, (payload) => this.onNotification(payload));
    await this.reload('all');
    if (this.settings.resyncIntervalMs > 0) {
      this.resyncTimer = setInterval(() => {
        this.reload('all').catch((error: Error) => this.logger.warn(`Periodic snapshot resync failed: ${error.message}`));
      }, this.settings.resyncIntervalMs);
      this.resyncTimer.unref();
    }
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.unsubscribe?.();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** Whether the first full load has happened (readiness: before it, every provider looks unknown). */
  get loaded(): boolean {
    return this.fullyLoaded;
  }

  /** Expiry needs no reload: availability compares each credential's expires_at with the clock. */
  current(): RegistrySnapshot {
    return this.snapshot;
  }

  /** Resolves once the named providers (or all) are loaded as the database has them now. */
  reload(providers: readonly string[] | 'all'): Promise<void> {
    if (providers === 'all') this.pendingFull = true;
    else if (providers.length === 0) return Promise.resolve();
    else for (const provider of providers) this.pending.add(provider);
    return this.enqueue();
  }

  /**
   * Runs a write of this process and makes it visible here before returning (read-your-writes).
   * When the write hands back the providers' rows as they are after it (RETURNING), they go into
   * the snapshot as they are, with no second query, unless a load or another write of the same
   * provider overlapped it (then that provider is reloaded instead, so an older state can never
   * replace a newer one). Its transaction id is remembered, so the triggers' echo is not loaded twice.
   * `providers` are those whose snapshot state the write can change ([] for columns it does not hold).
   */
  async write<T extends RegistryWrite | null>(providers: readonly string[], run: () => Promise<T>): Promise<T> {
    const ticket: WriteTicket = { sentAt: performance.now(), overlapped: false };
    for (const provider of providers) {
      const others = this.writing.get(provider) ?? new Set<WriteTicket>();
      for (const other of others) other.overlapped = ticket.overlapped = true;
      others.add(ticket);
      this.writing.set(provider, others);
    }
    let result: T | undefined;
    try {
      result = await run();
    } finally {
      for (const provider of providers) {
        const others = this.writing.get(provider);
        others?.delete(ticket);
        if (others?.size === 0) this.writing.delete(provider);
      }
      for (const xid of result?.xids ?? []) {
        // Its echo may have come in before the reply: then it waits in `deferred`, and is dropped here.
        if (xid && !this.deferred.delete(xid)) this.rememberOwn(xid, providers);
      }
      this.releaseDeferred();
      // The write failed: what the released notifications name is still loaded, nobody waits for it.
      if (result === undefined && this.pending.size > 0) this.enqueue().catch(() => undefined);
    }
    result = result as T;
    if (result === null || providers.length === 0) {
      if (this.pending.size > 0) await this.enqueue(new Set());
      return result;
    }
    const rows = new Map(result.rows.map((row) => [row.provider, row]));
    for (const provider of providers) {
      const row = ticket.overlapped ? undefined : rows.get(provider);
      if (row) this.applies.set(provider, { row, sentAt: ticket.sentAt });
      else this.pending.add(provider);
    }
    await this.enqueue(new Set(providers));
    return result;
  }

  /** A committed write that hands back no rows (health checks): remembers its ids and reloads its providers. */
  async wrote(providers: readonly string[], xids: ReadonlyArray<string | null>): Promise<void> {
    await this.write(providers, async () => ({ xids: [...xids], rows: [] }));
  }

  /**
   * Notifications that arrived while this process had a write of the same providers in flight wait
   * until those writes return: each is either that write's own echo (dropped) or someone else's
   * change (reloaded, which also makes the write reload rather than apply its possibly older rows).
   */
  private releaseDeferred(): void {
    for (const [xid, providers] of this.deferred) {
      if ([...providers].some((provider) => this.writing.has(provider))) continue;
      this.deferred.delete(xid);
      for (const provider of providers) this.pending.add(provider);
    }
  }

  /** Remembers a write's transaction and the providers it covered, so exactly that echo is skipped. */
  private rememberOwn(xid: string, providers: readonly string[]): void {
    const now = Date.now();
    if (this.ownXids.size >= 1000) {
      for (const [old, own] of this.ownXids) if (now - own.at > OWN_XID_TTL_MS) this.ownXids.delete(old);
    }
    this.ownXids.set(xid, { at: now, providers: new Set(providers) });
  }

  /**
   * Queues a load; `waitsFor` names the providers the caller needs (its write's), so it is not failed
   * by another provider's reload failing in the same batch (undefined: the whole batch).
   */
  private enqueue(waitsFor?: ReadonlySet<string>): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject, waitsFor }));
    // Started on a later tick, never inline: a drain with nothing to await would otherwise finish
    // (and clear `loading`) before the assignment, leaving a settled promise that blocks every later one.
    this.loading ??= Promise.resolve().then(() => this.drain());
    return done;
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
        const full = this.pendingFull;
        const providers = new Set(this.pending);
        const applies = this.applies;
        const waiters = this.waiters;
        this.pendingFull = false;
        this.pending = new Set();
        this.applies = new Map();
        this.waiters = [];
        const reloading = new Set<string>();
        try {
          // A full load reads after every queued write committed: it supersedes their rows.
          if (full) {
            await this.loadAll();
            this.metrics.snapshotRefreshed('full', this.snapshot);
          } else {
            const direct: ProviderState[] = [];
            const now = Date.now();
            for (const [provider, { row, sentAt }] of applies) {
              const loadedSince = Math.max(this.loadStartedAt.get(provider) ?? -Infinity, this.fullLoadStartedAt);
              // A load that began after the write was sent may have read before it: reload, to be sure.
              if (providers.has(provider) || loadedSince > sentAt) providers.add(provider);
              else direct.push(...this.statesOf([row], now));
            }
            if (direct.length > 0) this.snapshot = applyChanges(this.snapshot, direct, []);
            for (const provider of providers) reloading.add(provider);
            if (providers.size > 0) await this.loadSome([...providers]);
            if (direct.length > 0 || providers.size > 0) this.metrics.snapshotRefreshed('incremental', this.snapshot);
          }
          this.retryMs = 0;
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          // Nothing it carried is dropped: it is queued again and retried, backing off, until it loads.
          if (full) this.pendingFull = true;
          for (const provider of reloading) this.pending.add(provider);
          this.scheduleRetry();
          this.metrics.snapshotRefreshFailures.inc();
          for (const waiter of waiters) {
            const spared = !full && waiter.waitsFor !== undefined && [...waiter.waitsFor].every((p) => !reloading.has(p));
            if (spared) waiter.resolve();
            else waiter.reject(error);
          }
          this.logger.warn(`Snapshot reload failed (${(error as Error).message}); retrying in ${this.retryMs} ms`);
          // Not again at once: the retry timer (or the next write) starts the next attempt, so a
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
      this.enqueue().catch(() => undefined); // a failure is logged and retried by drain()
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private async loadSome(providers: string[]): Promise<void> {
    const startedAt = performance.now();
    if (this.loadStartedAt.size > 10_000) this.loadStartedAt.clear(); // only comparisons with in-flight writes matter
    for (const provider of providers) this.loadStartedAt.set(provider, startedAt);
    const rows = await this.configs.findSnapshotRows(providers);
    const now = Date.now();
    const states = this.statesOf(rows, now);
    const found = new Set(states.map((state) => state.provider));
    this.snapshot = applyChanges(
      this.snapshot,
      states,
      providers.filter((provider) => !found.has(provider)),
    );
  }

  private async loadAll(): Promise<void> {
    this.fullLoadStartedAt = performance.now();
    const states: ProviderState[] = [];
    let after: string | null = null;
    for (;;) {
      const rows = await this.configs.findSnapshotPage(after, RESYNC_PAGE);
      const now = Date.now();
      states.push(...this.statesOf(rows, now));
      if (rows.length < RESYNC_PAGE) break;
      after = rows[rows.length - 1].provider;
    }
    this.snapshot = buildSnapshot(states, this.catalog);
    this.fullyLoaded = true;
  }

  /** One row the code cannot read (hand-written junk) is left out with a warning, never the whole load. */
  private statesOf(rows: ProviderConfig[], now: number): ProviderState[] {
    return rows.flatMap((row) => {
      try {
        return [toProviderState(row, this.catalog, this.decryptable, now)];
      } catch (error) {
        this.logger.warn(
          `Provider ${JSON.stringify(row.provider)} left out of the snapshot: its row cannot be read (${(error as Error).message})`,
        );
        return [];
      }
    });
  }

  private readonly decryptable = (credential: AICredential): boolean => {
    try {
      this.keyRing.decrypt(credential.encryptedCredentials, {
        aad: credentialAad(credential.provider, credential.credentialType, destinationOf(credential.metadata)),
      });
      return true;
    } catch {
      return false;
    }
  };

  private onNotification(payload: string): void {
    // Coordination's signal that its listener came back (notifications meanwhile are lost): a full resync follows.
    if (payload === '') this.metrics.listenerReconnects.inc();
    const change = parseChangeNotification(payload);
    if (change.kind === 'all') {
      this.reload('all').catch(() => undefined); // logged and retried in drain()
      return;
    }
    let providers = change.providers;
    if (change.xid !== null) {
      const own = this.ownXids.get(change.xid);
      if (own) {
        // Our own write's echo: only what it did not cover (another statement of it) is loaded.
        this.ownXids.delete(change.xid);
        providers = providers.filter((provider) => !own.providers.has(provider));
      }
      // A provider this process is writing right now waits for that write (see releaseDeferred);
      // the others are loaded at once. One transaction can send several payloads: they add up.
      const busy = providers.filter((provider) => this.writing.has(provider));
      if (busy.length > 0) {
        const waiting = this.deferred.get(change.xid) ?? new Set<string>();
        for (const provider of busy) waiting.add(provider);
        this.deferred.set(change.xid, waiting);
        providers = providers.filter((provider) => !this.writing.has(provider));
      }
    }
    if (providers.length > 0) this.reload(providers).catch(() => undefined); // logged and retried in drain()
  }
}
