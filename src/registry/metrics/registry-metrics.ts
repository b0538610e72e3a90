import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Catalog } from '../catalog/catalog.types';
import { HEALTH_STATUSES, type HealthStatus } from '../kernel/health-status';

/** Label value for providers the catalog does not declare: slugs written by hand into the table are unbounded. */
export const OTHER_PROVIDER = '_other';

export type SweepTick = 'claimed' | 'skipped' | 'busy';
export type SnapshotRefresh = 'incremental' | 'full';

/*
 * What the metrics read of the registry, by shape: the metrics sit below the services that record
 * into them (health, selection, the snapshot), so they do not import those services' types.
 */
/** The providers of a snapshot, as the health gauge reports them. */
export interface ProvidersHealth {
  providers: ReadonlyMap<string, { provider: string; health: HealthStatus }>;
}
/** A probe's result: its outcome kind (ok, rate_limited, auth_failed, transient) and latency. */
export interface ProbeResult {
  kind: string;
  latencyMs: number;
}

/**
 * The registry's Prometheus metrics, recorded by ProvidersModule's services into the prom-client
 * Registry the host gives (ProvidersModule option `metricsRegistry`; default prom-client's global
 * one), so a host app exposes them with its own /metrics, and our server with its.
 *
 * No label carries a secret or a value a caller chooses: providers are the catalog's slugs (others
 * are counted as `_other`), reasons and sources are the code's own enums, never error texts.
 */
export class RegistryMetrics {
  private readonly catalogSlugs: ReadonlySet<string>;
  private lastFullLoadAt: number | null = null;
  private pendingRequests: () => number = () => 0;
  /** Selections by source and skips by reason since start: plain counts, handed to prom-client at each scrape. */
  private readonly selectionCounts = new Map<string, number>();
  private readonly skipCounts = new Map<string, number>();
  /** The snapshot the health gauge reports, read at each scrape. */
  private healthOf: ProvidersHealth | null = null;

  readonly providerHealth: Gauge<'provider' | 'status'>;
  readonly probeDuration: Histogram<'provider' | 'outcome'>;
  readonly probeFailures: Counter<'provider' | 'reason'>;
  readonly healthTransitions: Counter<'provider' | 'from' | 'to'>;
  readonly sweepTicks: Counter<'result'>;
  readonly sweeps: Counter<'outcome'>;
  readonly sweepDuration: Histogram;
  readonly selections: Counter<'source'>;
  readonly selectionSkips: Counter<'reason'>;
  readonly noAvailableProvider: Counter<'model_type'>;
  readonly usageBuffered: Counter;
  readonly usageFlushed: Counter;
  readonly usageBatchRecords: Counter<'result'>;
  readonly usagePending: Gauge;
  readonly flushDuration: Histogram;
  readonly flushFailures: Counter;
  readonly snapshotRefreshes: Counter<'kind'>;
  readonly snapshotRefreshFailures: Counter;
  readonly snapshotAge: Gauge;
  readonly listenerReconnects: Counter;
  readonly circuitTransitions: Counter<'provider' | 'to'>;
  readonly budgetSpendRatio: Gauge<'provider'>;
  readonly budgetWarnings: Counter<'provider'>;

  constructor(
    readonly registry: Registry,
    catalog: Catalog | null,
  ) {
    this.catalogSlugs = new Set(catalog?.providers.keys() ?? []);
    const registers = [registry];
    // A metric name is registered once per Registry: the module built last (a test process builds
    // many) owns the names, so its figures are the ones reported.
    const fresh = (name: string) => {
      registry.removeSingleMetric(name);
      return { name, registers };
    };
    // collect() runs with `this` bound to the gauge: arrow functions reach this instance instead.
    const pending = () => this.pendingRequests();
    const age = () => (this.lastFullLoadAt === null ? -1 : (Date.now() - this.lastFullLoadAt) / 1000);
    const health = (gauge: Gauge<'provider' | 'status'>) => this.reportHealth(gauge);
    const selections = this.selectionCounts;
    const skips = this.skipCounts;
    this.providerHealth = new Gauge({
      ...fresh('ai_registry_provider_health'),
      help: '1 for the health status a provider has now, 0 for the others',
      labelNames: ['provider', 'status'],
      // Worked out when Prometheus scrapes, not on every snapshot swap: a write must not cost work
      // proportional to the number of providers.
      collect() {
        health(this);
      },
    });
    this.probeDuration = new Histogram({
      ...fresh('ai_registry_probe_duration_seconds'),
      help: 'Health probe latency, by outcome (ok, rate_limited, auth_failed, transient)',
      labelNames: ['provider', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.probeFailures = new Counter({
      ...fresh('ai_registry_probe_failures_total'),
      help: 'Failed health probes by reason',
      labelNames: ['provider', 'reason'],
    });
    this.healthTransitions = new Counter({
      ...fresh('ai_registry_health_transitions_total'),
      help: 'Health status changes recorded by this instance',
      labelNames: ['provider', 'from', 'to'],
    });
    this.sweepTicks = new Counter({
      ...fresh('ai_registry_health_sweep_ticks_total'),
      help: 'Scheduled sweep ticks of this instance: claimed (it sweeps this interval), skipped (another instance has it), busy (its previous sweep still runs)',
      labelNames: ['result'],
    });
    this.sweeps = new Counter({
      ...fresh('ai_registry_health_sweeps_total'),
      help: 'Health sweeps run by this instance, by outcome',
      labelNames: ['outcome'],
    });
    this.sweepDuration = new Histogram({
      ...fresh('ai_registry_health_sweep_duration_seconds'),
      help: 'Duration of the health sweeps this instance ran',
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60],
    });
    // Selections run on every call: a labelled inc() costs more than the selection itself, so these
    // are counted in plain numbers and reported when Prometheus scrapes.
    this.selections = new Counter({
      ...fresh('ai_registry_selections_total'),
      help: 'Model selections by the source of the chosen candidate',
      labelNames: ['source'],
      collect() {
        reportCounts(this, 'source', selections);
      },
    });
    this.selectionSkips = new Counter({
      ...fresh('ai_registry_selection_skips_total'),
      help: 'Candidates passed over during selection, by reason',
      labelNames: ['reason'],
      collect() {
        reportCounts(this, 'reason', skips);
      },
    });
    this.noAvailableProvider = new Counter({
      ...fresh('ai_registry_no_available_provider_total'),
      help: 'Selections that found no available provider',
      labelNames: ['model_type'],
    });
    this.usageBuffered = new Counter({
      ...fresh('ai_registry_usage_buffered_requests_total'),
      help: 'Requests recorded in memory (UsageService.record), to be flushed',
    });
    this.usageFlushed = new Counter({
      ...fresh('ai_registry_usage_flushed_requests_total'),
      help: 'Buffered requests written to the database by flushes',
    });
    this.usageBatchRecords = new Counter({
      ...fresh('ai_registry_usage_batch_records_total'),
      help: 'Records of API usage batches (POST /api/usage): applied, or duplicate (their Idempotency-Key was counted before)',
      labelNames: ['result'],
    });
    this.usagePending = new Gauge({
      ...fresh('ai_registry_usage_pending_requests'),
      help: 'Requests recorded in memory and not yet known to be written',
      collect() {
        this.set(pending());
      },
    });
    this.flushDuration = new Histogram({
      ...fresh('ai_registry_usage_flush_duration_seconds'),
      help: 'Duration of usage flushes that wrote something',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    });
    this.flushFailures = new Counter({
      ...fresh('ai_registry_usage_flush_failures_total'),
      help: 'Usage flushes that failed (retried with backoff)',
    });
    this.snapshotRefreshes = new Counter({
      ...fresh('ai_registry_snapshot_refreshes_total'),
      help: 'Loads of the in-memory snapshot: incremental (the providers a notification or write named) or full',
      labelNames: ['kind'],
    });
    this.snapshotRefreshFailures = new Counter({
      ...fresh('ai_registry_snapshot_refresh_failures_total'),
      help: 'Snapshot loads the database refused (retried with backoff)',
    });
    this.snapshotAge = new Gauge({
      ...fresh('ai_registry_snapshot_age_seconds'),
      help: 'Seconds since the snapshot was last fully loaded (at start, on a listener reconnect, on the periodic resync); -1 before the first',
      collect() {
        this.set(age());
      },
    });
    this.listenerReconnects = new Counter({
      ...fresh('ai_registry_listener_reconnects_total'),
      help: 'Times the change listener came back after losing its connection (each followed by a full resync)',
    });
    this.circuitTransitions = new Counter({
      ...fresh('ai_registry_circuit_transitions_total'),
      help: 'Passive health: circuit changes this instance decided from real calls (open: tripped, closed: trials succeeded)',
      labelNames: ['provider', 'to'],
    });
    this.budgetSpendRatio = new Gauge({
      ...fresh('ai_registry_budget_spend_ratio'),
      help: "Spend in the budget's current window over the budget, as last computed by this instance (1 or more: exhausted)",
      labelNames: ['provider'],
    });
    this.budgetWarnings = new Counter({
      ...fresh('ai_registry_budget_warnings_total'),
      help: 'Budget warnings logged by this instance (once per provider and window across instances)',
      labelNames: ['provider'],
    });
  }

  /** The label for a provider: its catalog slug, or `_other`. */
  provider(slug: string): string {
    return this.catalogSlugs.has(slug) ? slug : OTHER_PROVIDER;
  }

  /** After every swap of the snapshot: O(1), the health gauge reads the snapshot when scraped. */
  snapshotRefreshed(kind: SnapshotRefresh, snapshot: ProvidersHealth): void {
    this.snapshotRefreshes.inc({ kind });
    if (kind === 'full') this.lastFullLoadAt = Date.now();
    this.healthOf = snapshot;
  }

  probed(provider: string, outcome: ProbeResult): void {
    const label = this.provider(provider);
    this.probeDuration.observe({ provider: label, outcome: outcome.kind }, outcome.latencyMs / 1000);
    if (outcome.kind !== 'ok') this.probeFailures.inc({ provider: label, reason: outcome.kind });
  }

  circuitChanged(provider: string, to: 'open' | 'closed'): void {
    this.circuitTransitions.inc({ provider: this.provider(provider), to });
  }

  /** Spend over budget, e.g. 0.42; a ratio from exact nanos, rounded to a millionth. */
  budgetSpent(provider: string, spentNanos: bigint, budgetNanos: bigint): void {
    this.budgetSpendRatio.set({ provider: this.provider(provider) }, Number((spentNanos * 1_000_000n) / budgetNanos) / 1_000_000);
  }

  healthChanged(provider: string, from: HealthStatus, to: HealthStatus): void {
    this.healthTransitions.inc({ provider: this.provider(provider), from, to });
  }

  selected(source: string, skipped: ReadonlyArray<{ reason: string }>): void {
    this.selectionCounts.set(source, (this.selectionCounts.get(source) ?? 0) + 1);
    this.skips(skipped);
  }

  noneAvailable(modelType: string, skipped: ReadonlyArray<{ reason: string }>): void {
    this.noAvailableProvider.inc({ model_type: modelType });
    this.skips(skipped);
  }

  /** What usage has buffered and not written, read at each scrape. */
  reportPendingUsage(source: () => number): void {
    this.pendingRequests = source;
  }

  /** Providers per label and status (catalog slugs count 0 or 1; `_other` counts every other provider). */
  private reportHealth(gauge: Gauge<'provider' | 'status'>): void {
    gauge.reset();
    if (this.healthOf === null) return;
    const counts = new Map<string, Record<HealthStatus, number>>();
    for (const state of this.healthOf.providers.values()) {
      const label = this.provider(state.provider);
      let byStatus = counts.get(label);
      if (byStatus === undefined) counts.set(label, (byStatus = { unknown: 0, healthy: 0, degraded: 0, unhealthy: 0 }));
      byStatus[state.health]++;
    }
    for (const [provider, byStatus] of counts) {
      for (const status of HEALTH_STATUSES) gauge.set({ provider, status }, byStatus[status]);
    }
  }

  private skips(skipped: ReadonlyArray<{ reason: string }>): void {
    for (const { reason } of skipped) this.skipCounts.set(reason, (this.skipCounts.get(reason) ?? 0) + 1);
  }
}

/** A counter's values from counts kept outside it (totals since start, so set rather than added). */
function reportCounts<L extends string>(counter: Counter<L>, label: L, counts: ReadonlyMap<string, number>): void {
  counter.reset();
  for (const [value, n] of counts) counter.inc({ [label]: value } as Partial<Record<L, string>>, n);
}

/** For code built outside Nest (unit tests of one service): records into a Registry of its own that nothing reads. */
export function detachedMetrics(): RegistryMetrics {
  return new RegistryMetrics(new Registry(), null);
}
