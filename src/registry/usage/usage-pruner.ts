import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { OutcomeBucketRepository } from './outcome-bucket.repository';
import { UsageRepository } from './usage.repository';

/**
 * A ledger row must outlive every retry of its flush or API batch: an Idempotency-Key is remembered
 * this long (at least; rows are pruned hourly), and a retry after that would count twice.
 */
export const LEDGER_RETENTION_MS = 24 * 3_600_000;
/** Outcome buckets are read for circuit windows of at most a day (passiveWindowMs' bound): older ones go. */
const OUTCOME_RETENTION_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Deletes flush-ledger rows and outcome buckets nobody will read again. Run by the flusher after a
 * write, at most hourly: an instance that writes nothing adds nothing to prune.
 */
@Injectable()
export class UsagePruner {
  private readonly logger = new Logger(UsagePruner.name);
  private lastPruneAt = -Infinity;

  constructor(
    private readonly ledger: UsageRepository,
    private readonly outcomes: OutcomeBucketRepository,
  ) {}

  /** Never throws: a failed prune costs only disk until the next hour's. */
  async pruneIfDue(): Promise<void> {
    if (performance.now() - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = performance.now();
    try {
      await this.ledger.pruneFlushes(LEDGER_RETENTION_MS);
      await this.outcomes.prune(OUTCOME_RETENTION_MS);
    } catch (error) {
      this.logger.warn(`Pruning the usage flush ledger failed, will retry in an hour: ${(error as Error).message}`);
    }
  }
}
