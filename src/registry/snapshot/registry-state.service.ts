import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Coordination } from '../kernel/coordination';
import { RegistryMetrics } from '../metrics/registry-metrics';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { CredentialCipher } from '../key-ring/credential-cipher';
import { SnapshotRepository } from './snapshot.repository';
import { RegistrySettings } from '../kernel/registry-settings';
import { REGISTRY_COORDINATION, REGISTRY_SETTINGS } from '../kernel/registry-tokens';
import { applyChanges, buildSnapshot } from './build-snapshot';
import { ChangeListener } from './change-listener';
import type { ProviderState, RegistrySnapshot } from './registry-snapshot';
import type { RegistryWrite } from './registry-write';
import { ReloadBatch, ReloadQueue } from './reload-queue';
import { SnapshotLoader } from './snapshot-loader';
import { WriteTracker } from './write-tracker';

/**
 * The in-memory snapshot every availability and selection answer comes from, so they cost no query.
 *
 * Kept current incrementally: the database's triggers announce every committed change to
 * provider_configs/ai_credentials with the providers it touched (ChangeListener); only those are
 * reloaded (one indexed query for however many arrived meanwhile, coalesced by ReloadQueue) and the
 * snapshot is swapped atomically. A periodic full resync (resync(), on RegistryJobs' timer
 * registry.snapshot-resync) repairs anything missed (a dropped listener, a notification lost to a crash).
 *
 * Read-your-writes: a writer in this process goes through write(), which returns once the write is
 * in the snapshot (WriteTracker knows what this process is writing and which echoes are its own).
 */
@Injectable()
export class RegistryStateService implements OnModuleDestroy {
  private readonly logger = new Logger(RegistryStateService.name);
  private snapshot: RegistrySnapshot;
  private fullyLoaded = false;
  private readonly writes = new WriteTracker();
  private readonly queue: ReloadQueue;
  private readonly loader: SnapshotLoader;
  /** Whether stored circuits apply: passive health off (PASSIVE_HEALTH_MIN_CALLS=0), none does, a trip stored before included. */
  readonly circuitsApply: boolean;
  private readonly listener: ChangeListener;

  constructor(
    configs: SnapshotRepository,
    @Inject(CATALOG) private readonly catalog: Catalog,
    @Inject(REGISTRY_COORDINATION) coordination: Coordination,
    cipher: CredentialCipher,
    private readonly metrics: RegistryMetrics,
    @Inject(REGISTRY_SETTINGS) settings: RegistrySettings,
  ) {
    this.snapshot = buildSnapshot([], catalog);
    this.circuitsApply = settings.passiveMinCalls > 0;
    this.loader = new SnapshotLoader(configs, catalog, (credential) => cipher.isReadable(credential), this.logger, this.circuitsApply);
    this.queue = new ReloadQueue(
      (batch) => this.load(batch),
      (error, retryMs) => {
        this.metrics.snapshotRefreshFailures.inc();
        this.logger.warn(`Snapshot reload failed (${(error as Error).message}); retrying in ${retryMs} ms`);
      },
    );
    this.listener = new ChangeListener(
      coordination,
      this.writes,
      (providers) => void this.reload(providers).catch(() => undefined), // logged and retried by the queue
      () => this.metrics.listenerReconnects.inc(),
    );
  }

  /** Subscribes to change notifications, then loads everything. Called once by ProvidersBootstrap. */
  async start(): Promise<void> {
    await this.listener.start();
    await this.reload('all');
  }

  /** The periodic full reload. Never rejects: a failure is logged and the next resync tries again. */
  resync(): Promise<void> {
    return this.reload('all').catch((error: Error) => this.logger.warn(`Periodic snapshot resync failed: ${error.message}`));
  }

  onModuleDestroy(): void {
    this.queue.close();
    this.listener.stop();
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
    if (providers === 'all') this.queue.requestAll();
    else if (providers.length === 0) return Promise.resolve();
    else this.queue.request(providers);
    return this.queue.enqueue();
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
    const ticket = this.writes.begin(providers);
    let result: T | undefined;
    try {
      result = await run();
    } finally {
      this.queue.request(this.writes.end(ticket, providers, result?.xids ?? []));
      // The write failed: what the released notifications name is still loaded, nobody waits for it.
      if (result === undefined && this.queue.hasPending) this.queue.enqueue().catch(() => undefined);
    }
    result = result as T;
    if (result === null || providers.length === 0) {
      if (this.queue.hasPending) await this.queue.enqueue(new Set());
      return result;
    }
    const rows = new Map(result.rows.map((row) => [row.provider, row]));
    for (const provider of providers) {
      const row = ticket.overlapped ? undefined : rows.get(provider);
      if (row) this.queue.apply(provider, { row, sentAt: ticket.sentAt });
      else this.queue.request([provider]);
    }
    await this.queue.enqueue(new Set(providers));
    return result;
  }

  /** A committed write that hands back no rows (health checks): remembers its ids and reloads its providers. */
  async wrote(providers: readonly string[], xids: ReadonlyArray<string | null>): Promise<void> {
    await this.write(providers, async () => ({ xids: [...xids], rows: [] }));
  }

  /** One batch of the queue into the snapshot; throws (and the queue retries) when the database fails. */
  private async load(batch: ReloadBatch): Promise<void> {
    // A full load reads after every queued write committed: it supersedes their rows.
    if (batch.full) {
      this.snapshot = buildSnapshot(await this.loader.readAll(), this.catalog);
      this.fullyLoaded = true;
      this.metrics.snapshotRefreshed('full', this.snapshot);
      return;
    }
    const direct: ProviderState[] = [];
    const now = Date.now();
    for (const [provider, { row, sentAt }] of batch.applies) {
      // A load that began after the write was sent may have read before it: reload, to be sure.
      if (batch.providers.has(provider) || this.loader.loadedSince(provider) > sentAt) batch.providers.add(provider);
      else direct.push(...this.loader.statesOf([row], now));
    }
    if (direct.length > 0) this.snapshot = applyChanges(this.snapshot, direct, []);
    if (batch.providers.size > 0) {
      const { states, gone } = await this.loader.readSome([...batch.providers]);
      this.snapshot = applyChanges(this.snapshot, states, gone);
    }
    if (direct.length > 0 || batch.providers.size > 0) this.metrics.snapshotRefreshed('incremental', this.snapshot);
  }
}
