import { BeforeApplicationShutdown, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ConsumerKeyCache } from '../consumer-keys/consumer-key-cache';
import { HealthScheduler } from '../health/active/health-scheduler.service';
import { KeyLimitsService } from '../key-limits/key-limits.service';
import { PARALLEL_HEARTBEAT_MS } from '../key-limits/key-limits.rules';
import { RegistrySettings } from '../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../kernel/registry-tokens';
import { RegistryStateService } from '../snapshot/registry-state.service';
import { RequestLogService } from '../request-log/request-log.service';
import { RequestLogWriter } from '../request-log/request-log-writer.service';
import { UsageFlusher } from '../usage/usage-flusher.service';
import { JobTimers } from './job-timers';

/** The module's recurring timers, by the name each has in the SchedulerRegistry. */
export const REGISTRY_JOBS = {
  healthSweep: 'registry.health-sweep',
  usageFlush: 'registry.usage-flush',
  snapshotResync: 'registry.snapshot-resync',
  consumerKeyResync: 'registry.consumer-keys-resync',
  requestLogFlush: 'registry.request-log-flush',
  requestLogPrune: 'registry.request-log-prune',
  parallelSlotsHeartbeat: 'registry.parallel-slots-heartbeat',
  keyLimitsPrune: 'registry.key-limits-prune',
} as const;

/** The request log is pruned hourly, in bounded batches (RequestLogService.prune). */
const REQUEST_LOG_PRUNE_EVERY_MS = 3_600_000;
/** Old key limit windows and expired parallel slots: each prune is two small deletes. */
const KEY_LIMITS_PRUNE_EVERY_MS = 600_000;

/**
 * Every recurring timer of the module, in one place: each a one-line handler over the service that
 * keeps the logic. ProvidersBootstrap starts them in start-up order; they stop at shutdown.
 *
 * - health sweep, every HEALTH_CHECK_INTERVAL_MS (0 = off), at a fixed rate on the monotonic clock:
 *   HealthScheduler claims each interval in the database (one instance sweeps), never overlaps a
 *   sweep in flight, prunes the health history after each sweep, and waits for a sweep at shutdown;
 * - usage flush, every USAGE_FLUSH_MS, backing off while the database fails: UsageFlusher writes,
 *   prunes the flush ledger and outcome buckets after a write (at most hourly), and flushes once more,
 *   with retries, at shutdown;
 * - snapshot resync, every REGISTRY_RESYNC_MS (0 = off): a full reload repairing anything missed;
 * - consumer key resync, at the same interval: ConsumerKeyCache reloads every live key, likewise;
 * - request log flush, every USAGE_FLUSH_MS, backing off while the database fails: RequestLogWriter
 *   inserts the buffered calls, and once more at shutdown;
 * - request log prune, hourly: RequestLogService deletes rows past REQUEST_LOG_DAYS in bounded batches;
 * - parallel slots heartbeat, every PARALLEL_HEARTBEAT_MS after the last one settled: KeyLimitsService
 *   renews the expiry of this instance's parallel slots while it holds any (a killed instance's lapse);
 * - key limits prune, every 10 minutes: KeyLimitsService deletes rate windows over an hour old, budget
 *   windows over 40 days old and expired parallel slots.
 */
@Injectable()
export class RegistryJobs implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly timers: JobTimers;

  constructor(
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    scheduler: SchedulerRegistry,
    private readonly health: HealthScheduler,
    private readonly flusher: UsageFlusher,
    private readonly state: RegistryStateService,
    private readonly consumerKeys: ConsumerKeyCache,
    private readonly requestLog: RequestLogWriter,
    private readonly requestLogPruner: RequestLogService,
    private readonly keyLimits: KeyLimitsService,
  ) {
    this.timers = new JobTimers(scheduler);
  }

  startUsageFlush(): void {
    this.timers.start(REGISTRY_JOBS.usageFlush, { after: () => this.flusher.nextFlushDelayMs() }, () => this.flusher.flushOnSchedule());
  }

  startRequestLog(): void {
    this.timers.start(REGISTRY_JOBS.requestLogFlush, { after: () => this.requestLog.nextFlushDelayMs() }, () =>
      this.requestLog.flushOnSchedule(),
    );
    this.timers.start(REGISTRY_JOBS.requestLogPrune, { every: REQUEST_LOG_PRUNE_EVERY_MS }, () => this.requestLogPruner.prune());
  }

  startKeyLimits(): void {
    this.timers.start(REGISTRY_JOBS.parallelSlotsHeartbeat, { after: () => PARALLEL_HEARTBEAT_MS }, () =>
      this.keyLimits.renewParallelSlots(),
    );
    this.timers.start(REGISTRY_JOBS.keyLimitsPrune, { every: KEY_LIMITS_PRUNE_EVERY_MS }, () => this.keyLimits.prune());
  }

  /** After the first full load. */
  startSnapshotResync(): void {
    if (this.settings.resyncIntervalMs === 0) return;
    this.timers.start(REGISTRY_JOBS.snapshotResync, { every: this.settings.resyncIntervalMs }, () => this.state.resync());
  }

  /** After the consumer keys' first load. */
  startConsumerKeyResync(): void {
    if (this.settings.resyncIntervalMs === 0) return;
    this.timers.start(REGISTRY_JOBS.consumerKeyResync, { every: this.settings.resyncIntervalMs }, () => this.consumerKeys.resync());
  }

  /** The first sweep at once, then one per interval. */
  startHealthSweep(): void {
    if (!this.health.beginSchedule()) return;
    this.timers.start(REGISTRY_JOBS.healthSweep, { firstMs: 0, rate: () => this.health.nextTickDelayMs() }, () => this.health.tick());
  }

  /** As the snapshot's listener and reload queue close, before the shutdown hooks. */
  onModuleDestroy(): void {
    this.timers.stop(REGISTRY_JOBS.snapshotResync);
    this.timers.stop(REGISTRY_JOBS.consumerKeyResync);
    this.timers.stop(REGISTRY_JOBS.requestLogPrune);
    this.timers.stop(REGISTRY_JOBS.keyLimitsPrune);
  }

  /** Beside HealthScheduler's wait for a sweep in flight and the final flushes of UsageFlusher and RequestLogWriter. */
  beforeApplicationShutdown(): void {
    this.timers.stop(REGISTRY_JOBS.healthSweep);
    this.timers.stop(REGISTRY_JOBS.usageFlush);
    this.timers.stop(REGISTRY_JOBS.requestLogFlush);
    this.timers.stop(REGISTRY_JOBS.parallelSlotsHeartbeat);
  }
}
