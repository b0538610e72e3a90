import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CHANGE_CHANNEL, Coordination } from '../../database/coordination/coordination';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { credentialAad, destinationOf } from '../credentials/credential-aad';
import { KeyRing } from '../credentials/key-ring';
import { KEY_RING } from '../credentials/key-ring.provider';
import type { AICredential } from '../entities/ai-credential.entity';
import { ProviderConfigRepository } from '../provider-configs/provider-config.repository';
import { REGISTRY_COORDINATION, REGISTRY_SETTINGS, RegistrySettings } from '../providers.options';
import { applyChanges, buildSnapshot, toProviderState } from './build-snapshot';
import { parseChangeNotification } from './change-notification';
import type { ProviderState, RegistrySnapshot } from './registry-snapshot';

/** Rows per query of a full resync: keeps each step (and the event-loop time it costs) short. */
const RESYNC_PAGE = 500;
/** How long this process remembers its own writes' transaction ids to skip their echoes. */
const OWN_XID_TTL_MS = 60_000;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The in-memory snapshot every availability and selection answer comes from, so they cost no query.
 *
 * Kept current incrementally: the database's triggers announce every committed change to
 * provider_configs/ai_credentials with the providers it touched; only those are reloaded (one
 * indexed query for however many arrived meanwhile) and the snapshot is swapped atomically. A
 * periodic full resync repairs anything missed (a dropped listener, a notification lost to a crash).
 *
 * Read-your-writes: a writer in this process awaits reload() of what it wrote. Requests arriving
 * while a load runs join the next one, so a writer waits for at most the load in flight plus its
 * own, however many writes stream in: no starvation, no unbounded loop.
 */
@Injectable()
export class RegistryStateService implements OnModuleDestroy {
  private readonly logger = new Logger(RegistryStateService.name);
  private snapshot: RegistrySnapshot;
  private pending = new Set<string>();
  private pendingFull = false;
  private waiters: Waiter[] = [];
  private loading: Promise<void> | null = null;
  private readonly ownXids = new Map<string, number>();
  private unsubscribe: (() => void) | null = null;
  private resyncTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly configs: ProviderConfigRepository,
    @Inject(CATALOG) private readonly catalog: Catalog,
    @Inject(REGISTRY_COORDINATION) private readonly coordination: Coordination,
    @Inject(KEY_RING) private readonly keyRing: KeyRing,
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
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
    this.unsubscribe?.();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
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
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.loading ??= this.drain();
    return done;
  }

  /**
   * After a committed write of this process: makes it visible here before returning (read-your-
   * writes) and remembers its transaction ids, so the triggers' echo of it is not loaded twice.
   */
  async wrote(providers: readonly string[], xids: ReadonlyArray<string | null>): Promise<void> {
    const now = Date.now();
    for (const xid of xids) if (xid) this.ownXids.set(xid, now);
    if (this.ownXids.size > 1000) {
      for (const [xid, at] of this.ownXids) if (now - at > OWN_XID_TTL_MS) this.ownXids.delete(xid);
    }
    await this.reload(providers);
  }

  private async drain(): Promise<void> {
    try {
      while (this.pendingFull || this.pending.size > 0) {
        const full = this.pendingFull;
        const providers = [...this.pending];
        const waiters = this.waiters;
        this.pendingFull = false;
        this.pending = new Set();
        this.waiters = [];
        try {
          if (full) await this.loadAll();
          else await this.loadSome(providers);
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          for (const waiter of waiters) waiter.reject(error);
          this.logger.warn(`Snapshot reload failed (${(error as Error).message}); the next resync repairs it`);
        }
      }
    } finally {
      this.loading = null;
    }
  }

  private async loadSome(providers: string[]): Promise<void> {
    const rows = await this.configs.findSnapshotRows(providers);
    const now = Date.now();
    const states = rows.map((row) => toProviderState(row, this.catalog, this.decryptable, now));
    const found = new Set(states.map((state) => state.provider));
    this.snapshot = applyChanges(this.snapshot, states, providers.filter((provider) => !found.has(provider)));
  }

  private async loadAll(): Promise<void> {
    const states: ProviderState[] = [];
    let after: string | null = null;
    for (;;) {
      const rows = await this.configs.findSnapshotPage(after, RESYNC_PAGE);
      const now = Date.now();
      for (const row of rows) states.push(toProviderState(row, this.catalog, this.decryptable, now));
      if (rows.length < RESYNC_PAGE) break;
      after = rows[rows.length - 1].provider;
    }
    this.snapshot = buildSnapshot(states, this.catalog);
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
    const change = parseChangeNotification(payload);
    if (change.kind === 'providers' && change.xid !== null && this.ownXids.delete(change.xid)) return;
    this.reload(change.kind === 'providers' ? change.providers : 'all').catch(() => undefined); // logged in drain()
  }
}
