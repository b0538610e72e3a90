import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';

/**
 * The provider_configs columns the budget check owns (budget_exhausted_until, budget_warned_window):
 * writers own columns, so these targeted UPDATEs never touch what the operator set.
 */
@Injectable()
export class BudgetStatusRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Marks a provider's budget exhausted until its window ends, or clears the mark; false when it was
   * already so (nothing to announce). Only these columns: the change trigger announces it to every instance.
   */
  async setBudgetExhausted(provider: string, until: Date | null, decidedOn?: { usd: string; window: string }): Promise<boolean> {
    // Only while the budget is still the one the decision compared with: an instance that has not yet
    // heard of a raised budget must not mark the provider exhausted under the new one.
    const rows = await this.dataSource.query(
      `UPDATE provider_configs SET budget_exhausted_until = $2
       WHERE provider = $1 AND budget_exhausted_until IS DISTINCT FROM $2
         AND ($3::numeric IS NULL OR (budget_usd = $3::numeric AND budget_window = $4))
       RETURNING id`,
      [provider, until, decidedOn?.usd ?? null, decidedOn?.window ?? null],
    );
    return (rows as unknown[]).length > 0;
  }

  /** Claims the warning of this window for `provider`: true for exactly one caller across instances. */
  async claimBudgetWarning(provider: string, windowStart: Date): Promise<boolean> {
    const rows = await this.dataSource.query(
      `UPDATE provider_configs SET budget_warned_window = $2
       WHERE provider = $1 AND budget_warned_window IS DISTINCT FROM $2 RETURNING id`,
      [provider, windowStart],
    );
    return (rows as unknown[]).length > 0;
  }
}
