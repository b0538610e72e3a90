import { Injectable, Logger } from '@nestjs/common';
import { PassiveHealthService } from './health/passive/passive-health.service';
import { BudgetService } from './spend/budget.service';
import type { CallDeltas } from './usage/call-tally';
import { UsageWriteListener } from './usage/usage-write-listener';

/**
 * What calls just written to the database mean for passive health (their outcomes) and budgets (their
 * cost). Both a flush and an API batch end here, so they decide the same way.
 */
@Injectable()
export class UsageFanOut extends UsageWriteListener {
  private readonly logger = new Logger(UsageFanOut.name);

  constructor(
    private readonly passiveHealth: PassiveHealthService,
    private readonly budgets: BudgetService,
  ) {
    super();
  }

  /** The usage itself is safe in the database by now, so a failure here is logged, never the write's: the next write decides again. */
  async afterWrite(calls: CallDeltas): Promise<void> {
    const withOutcomes = new Set(calls.outcomes.map((o) => o.provider));
    const withCost = new Set(calls.daily.filter((d) => d.costNanos > 0n).map((d) => d.provider));
    try {
      if (withOutcomes.size > 0) await this.passiveHealth.evaluate(withOutcomes);
      if (withCost.size > 0) await this.budgets.check(withCost);
    } catch (error) {
      this.logger.warn(`Deciding passive health and budgets after a usage write failed: ${(error as Error).message}`);
    }
  }
}
