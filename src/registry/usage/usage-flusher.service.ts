import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { RegistryMetrics } from '../metrics/registry-metrics';
import { RegistrySettings } from '../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../kernel/registry-tokens';
import { SerialFlush } from './serial-flush';
import { FlushBatch, UsageBuffer } from './usage-buffer';
import { UsageWriteListener } from './usage-write-listener';
import { UsagePruner } from './usage-pruner';
import { sortedDeltas } from './usage-tally';
import { DroppedUsage, UsageRepository } from './usage.repository';

/**
 * Turns what record() tallied into `n = n + $delta` UPDATEs, which add up exactly whatever the number
 * of instances; each flush carries an id recorded in the same transaction, so a retry never counts it
 * twice. Runs every USAGE_FLUSH_MS, backing off while the database fails, and once more at shutdown.
 *
 * Ticked by RegistryJobs' timer (registry.usage-flush), which asks nextFlushDelayMs() after each
 * scheduled flush, so the wait can grow with each failure in a row.
 */
@Injectable()
export class UsageFlusher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageFlusher.name);
  private readonly flushes = new SerialFlush(() => this.writePending(), 'Usage flush', this.logger);

  constructor(
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    private readonly buffer: UsageBuffer,
    private readonly repository: UsageRepository,
    private readonly fanOut: UsageWriteListener,
    private readonly pruner: UsagePruner,
    private readonly metrics: RegistryMetrics,
  ) {}

  /**
   * Never throws: a rejected shutdown hook would make Nest skip the hooks after it. What could not be
   * written is logged and stays visible in pendingUsage(), which the host checks for its exit code.
   */
  async beforeApplicationShutdown(): Promise<void> {
    // RegistryJobs removes the timer beside this: a scheduled flush in flight is queued before this one.
    await this.flushes.final(
      () => this.flush(),
      this.settings.shutdownFlushTimeoutMs,
      () => `usage of ${this.buffer.pendingUsage().requests} request(s) is not known to be written`,
    );
  }

  /** Writes everything recorded so far. Flushes run one after another, never two at once. */
  flush(): Promise<void> {
    return this.flushes.run();
  }

  /** The wait before the next scheduled flush: USAGE_FLUSH_MS, doubled by each failure in a row, capped. */
  nextFlushDelayMs(): number {
    return this.flushes.nextDelayMs(this.settings.usageFlushMs);
  }

  /** A scheduled flush. Never throws: a failure is logged and counted for the backoff. */
  flushOnSchedule(): Promise<void> {
    return this.flushes.onSchedule(() => this.flush());
  }

  private async writePending(): Promise<void> {
    // A batch in doubt goes first and alone: the ledger can answer only for exactly what its id carried.
    const held = this.buffer.heldBatch();
    if (held) await this.write(held);
    const next = this.buffer.holdTallied();
    if (next) await this.write(next);
  }

  private async write(batch: FlushBatch): Promise<void> {
    const timer = this.metrics.flushDuration.startTimer();
    const outcome = await this.repository
      .applyFlush(batch.id, sortedDeltas(batch.providers), sortedDeltas(batch.credentials), batch.calls)
      .catch((error: unknown) => {
        this.metrics.flushFailures.inc();
        throw error;
      });
    timer();
    this.buffer.released();
    // Written now or by an earlier attempt whose reply was lost: either way, in the database once.
    let requests = 0n;
    for (const sums of batch.providers.values()) requests += sums.requests;
    this.metrics.usageFlushed.inc(Number(requests));
    if (!outcome.applied) this.logger.log(`Usage flush ${batch.id} had already committed (its reply was lost): not adding it again`);
    if (outcome.dropped.length > 0) this.logDropped(batch, outcome.dropped);
    if (outcome.applied) await this.fanOut.afterWrite(batch.calls);
    await this.pruner.pruneIfDue();
  }

  private logDropped(batch: FlushBatch, dropped: DroppedUsage[]): void {
    const providers = dropped.filter((d) => d.table === 'provider_configs').length;
    const shown = dropped
      .slice(0, 10)
      .map(
        ({ table, delta, reason }) =>
          `${table} ${delta.key} (+${delta.requests} requests, +${delta.inputTokens} input and +${delta.outputTokens} output tokens): ${reason}`,
      );
    this.logger.error(
      `Usage flush ${batch.id} left out ${providers} of ${batch.providers.size} provider entries and ${dropped.length - providers} of ` +
        `${batch.credentials.size} credential entries that the database refuses for good; the rest was written. ` +
        `Left out: ${shown.join('; ')}${dropped.length > shown.length ? `; and ${dropped.length - shown.length} more` : ''}`,
    );
  }
}
