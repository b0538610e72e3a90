import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CONSUMER_KEYS_CHANNEL, type Coordination } from '../kernel/coordination';
import { REGISTRY_COORDINATION } from '../kernel/registry-tokens';
import { type CachedKeyRow, ConsumerKeyRepository } from './consumer-key.repository';
import { limitsOf } from './consumer-key-limits.rules';
import { hashConsumerKey, looksLikeConsumerKey } from './consumer-key.rules';
import type { AuthenticatedConsumer } from './consumer-key.types';
import { parseKeyNotification } from './key-notification';

interface CachedKey {
  id: string;
  hash: string;
  consumer: AuthenticatedConsumer;
  /** Epoch ms; null: never. */
  expiresAt: number | null;
}

/** A row this process wrote, to go into the cache without a query unless a load may have read past it. */
interface OwnWrite {
  row: CachedKeyRow;
  /** performance.now() when the write was sent. */
  sentAt: number;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 30_000;

function cachedKey(row: CachedKeyRow): CachedKey {
  const models = row.models === null ? null : Object.freeze([...row.models]);
  const limits = Object.freeze(limitsOf(row));
  const consumer: AuthenticatedConsumer = Object.freeze({ id: row.id, name: row.name, models, limits });
  // expiresAt went through the entity's expiry transformer: never is null, unreadable the epoch.
  return { id: row.id, hash: row.keyHash.trim().toLowerCase(), consumer, expiresAt: row.expiresAt?.getTime() ?? null };
}

/**
 * Every live consumer key in memory, so authenticating a gateway call costs no query: a SHA-256 of
 * the presented key and one Map lookup (keys are 256 random bits, so nothing here compares secrets
 * character by character), and expiry checked against the clock at each call.
 *
 * Kept current by the database: the table's triggers announce every committed change on
 * CONSUMER_KEYS_CHANNEL with the ids it touched, and only those are read again (an empty or
 * unreadable payload — the listener came back after a lost connection — reloads everything). Loads
 * run one at a time, coalescing what arrived meanwhile; a failed one is retried, backing off. A
 * periodic full reload (RegistryJobs' registry.consumer-keys-resync) repairs anything missed.
 *
 * Read-your-writes: ConsumerKeysService writes through write(), which returns once this process's
 * cache holds the row as written (a revoked key is refused from then on), with no second query
 * unless a load that began after the write was sent may have read past it (then that key is read again).
 */
@Injectable()
export class ConsumerKeyCache implements OnModuleDestroy {
  private readonly logger = new Logger(ConsumerKeyCache.name);
  private byHash = new Map<string, CachedKey>();
  private hashById = new Map<string, string>();
  private fullyLoaded = false;
  private unsubscribe: (() => void) | null = null;

  private pendingFull = false;
  private pendingIds = new Set<string>();
  private pendingWrites: OwnWrite[] = [];
  private waiters: Array<() => void> = [];
  private fullWaiters: Array<{ resolve(): void; reject(error: unknown): void }> = [];
  private draining: Promise<void> | null = null;
  /** performance.now() when the last load (of any keys) began: a load after a write was sent may have read past it. */
  private lastLoadStartedAt = -Infinity;
  private retryMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly keys: ConsumerKeyRepository,
    @Inject(REGISTRY_COORDINATION) private readonly coordination: Coordination,
  ) {}

  /** Subscribes to the table's notifications, then loads every live key. Called once by ProvidersBootstrap. */
  async start(): Promise<void> {
    this.unsubscribe = await this.coordination.subscribe(CONSUMER_KEYS_CHANNEL, (payload) => this.onNotification(payload));
    await this.reloadAll();
  }

  /** The periodic full reload. Never rejects: a failure is logged and retried. */
  resync(): Promise<void> {
    return this.reloadAll().catch((error: Error) => this.logger.warn(`Periodic consumer key resync failed: ${error.message}`));
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Whether the first full load has happened (before it, every key is refused). */
  get loaded(): boolean {
    return this.fullyLoaded;
  }

  /** How many live (not revoked) keys are held, expired ones included. */
  get size(): number {
    return this.byHash.size;
  }

  /**
   * Who `presented` belongs to, or null for anything but a live key: not a key's shape, unknown,
   * revoked, or expired now. Synchronous and query-free: the gateway calls it on every request.
   */
  authenticate(presented: string): AuthenticatedConsumer | null {
    if (typeof presented !== 'string' || !looksLikeConsumerKey(presented)) return null;
    const known = this.byHash.get(hashConsumerKey(presented));
    if (!known) return null;
    if (known.expiresAt !== null && known.expiresAt <= Date.now()) return null;
    return known.consumer;
  }

  /** The live key with that id (expired ones included: authenticate() refuses those), or null. Query-free. */
  byId(id: string): AuthenticatedConsumer | null {
    const hash = this.hashById.get(id);
    return hash === undefined ? null : (this.byHash.get(hash)?.consumer ?? null);
  }

  /**
   * Runs a write of this process and returns once the cache holds what it wrote (read-your-writes).
   * `run` answers the row as the write left it (RETURNING), or null when it wrote nothing.
   */
  async write<T extends CachedKeyRow | null>(run: () => Promise<T>): Promise<T> {
    const sentAt = performance.now();
    const row = await run();
    if (row === null) return row;
    await new Promise<void>((resolve) => {
      this.pendingWrites.push({ row, sentAt });
      this.waiters.push(resolve);
      this.kick();
    });
    return row;
  }

  private onNotification(payload: string): void {
    const change = parseKeyNotification(payload);
    if (change === 'all') {
      this.reloadAll().catch(() => undefined); // logged and retried by drain()
      return;
    }
    for (const id of change) this.pendingIds.add(id);
    this.kick();
  }

  /** Resolves once a full load that began after this call has finished; rejects if that load failed (it is retried). */
  private reloadAll(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pendingFull = true;
      this.fullWaiters.push({ resolve, reject });
      this.kick();
    });
  }

  private get hasWork(): boolean {
    return this.pendingFull || this.pendingIds.size > 0 || this.pendingWrites.length > 0;
  }

  /** Starts a drain on a later tick unless one runs (it picks up what was queued meanwhile). */
  private kick(): void {
    this.draining ??= Promise.resolve()
      .then(() => this.drain())
      .finally(() => {
        this.draining = null;
        // Queued after the drain's last look (a write's reply, a notification): a new drain takes it.
        if (this.hasWork && !this.retryTimer && !this.closed) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.hasWork) {
      if (this.closed) {
        this.pendingFull = false;
        this.pendingIds.clear();
        this.applyDirectly(this.pendingWrites.splice(0));
        for (const resolve of this.waiters.splice(0)) resolve();
        for (const waiter of this.fullWaiters.splice(0)) waiter.resolve();
        return;
      }
      const full = this.pendingFull;
      const ids = this.pendingIds;
      const writes = this.pendingWrites;
      const waiters = this.waiters;
      const fullWaiters = full ? this.fullWaiters : [];
      this.pendingFull = false;
      this.pendingIds = new Set();
      this.pendingWrites = [];
      this.waiters = [];
      if (full) this.fullWaiters = [];

      // A load in this batch starts after every write in it committed: it covers those keys. A key
      // loaded since its write was sent may have been read past it (a newer change): read it again.
      const direct: OwnWrite[] = [];
      for (const write of writes) {
        if (full || ids.has(write.row.id)) continue;
        if (this.lastLoadStartedAt > write.sentAt) ids.add(write.row.id);
        else direct.push(write);
      }
      try {
        if (full || ids.size > 0) {
          this.lastLoadStartedAt = performance.now();
          if (full) this.replaceAll(await this.keys.findLive());
          else this.replaceSome([...ids], await this.keys.findLiveByIds([...ids]));
        }
        this.applyDirectly(direct);
        this.retryMs = 0;
        for (const waiter of fullWaiters) waiter.resolve();
      } catch (error) {
        // This process's own writes are in the cache whatever the database does now: as written.
        this.applyDirectly(writes);
        if (full) this.pendingFull = true;
        for (const id of ids) this.pendingIds.add(id);
        for (const waiter of fullWaiters) waiter.reject(error);
        this.scheduleRetry(error as Error);
        for (const resolve of waiters) resolve();
        return;
      }
      for (const resolve of waiters) resolve();
    }
  }

  private scheduleRetry(error: Error): void {
    if (this.closed) return;
    this.retryMs = Math.min(Math.max(this.retryMs * 2, RETRY_MIN_MS), RETRY_MAX_MS);
    this.logger.warn(`Consumer key reload failed (${error.message}); retrying in ${this.retryMs} ms`);
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private replaceAll(rows: CachedKeyRow[]): void {
    const byHash = new Map<string, CachedKey>();
    const hashById = new Map<string, string>();
    for (const row of rows) {
      const key = cachedKey(row);
      byHash.set(key.hash, key);
      hashById.set(key.id, key.hash);
    }
    this.byHash = byHash;
    this.hashById = hashById;
    this.fullyLoaded = true;
  }

  /** `ids` as they are now: those absent from `rows` are gone (revoked or deleted). */
  private replaceSome(ids: readonly string[], rows: CachedKeyRow[]): void {
    for (const id of ids) this.forget(id);
    for (const row of rows) this.remember(cachedKey(row));
  }

  private applyDirectly(writes: readonly OwnWrite[]): void {
    for (const { row } of writes) {
      this.forget(row.id);
      if (row.revokedAt === null) this.remember(cachedKey(row));
    }
  }

  private forget(id: string): void {
    const hash = this.hashById.get(id);
    if (hash === undefined) return;
    this.hashById.delete(id);
    if (this.byHash.get(hash)?.id === id) this.byHash.delete(hash);
  }

  private remember(key: CachedKey): void {
    // A hash held under another id (rewritten by hand) belongs to whichever row was read last.
    const previous = this.byHash.get(key.hash);
    if (previous && previous.id !== key.id) this.hashById.delete(previous.id);
    this.byHash.set(key.hash, key);
    this.hashById.set(key.id, key.hash);
  }
}
