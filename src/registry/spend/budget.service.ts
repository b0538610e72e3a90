import { Injectable, Logger } from '@nestjs/common';
import { RegistryMetrics } from '../metrics/registry-metrics';
import type { BudgetSnapshot } from '../snapshot/registry-snapshot';
import { RegistryStateService } from '../snapshot/registry-state.service';
import { BudgetStatusRepository } from './budget-status.repository';
import { budgetStanding, budgetWindowOf } from './spend.rules';
import { formatUsd } from '../catalog/prices';
import { UsageDailyRepository } from '../usage/usage-daily.repository';

/**
 * Budgets: after usage with a cost is written, and when an operator changes a budget, compares the
 * window's spend (from the exact daily sums every instance adds to) with the budget. At the budget
 * the provider is marked exhausted until the window ends; below it again (a raised budget) the mark
 * is cleared. Either change is announced like any other, so every instance's selection follows.
 */
@Injectable()
export class BudgetService {
  private readonly logger = new Logger(BudgetService.name);

  constructor(
    private readonly daily: UsageDailyRepository,
    private readonly configs: BudgetStatusRepository,
    private readonly state: RegistryStateService,
    private readonly metrics: RegistryMetrics,
  ) {}

  /** A removed budget takes its exhausted mark with it (a budget set again later starts unmarked). */
  async cleared(provider: string): Promise<void> {
    if (await this.configs.setBudgetExhausted(provider, null)) await this.state.reload([provider]);
  }

  async check(providers: Iterable<string>, now = new Date()): Promise<void> {
    const snapshot = this.state.current();
    const budgeted = new Map<string, BudgetSnapshot>();
    // No budget, no mark: removing a budget clears the mark in the operator's own write.
    for (const provider of providers) {
      const budget = snapshot.providers.get(provider)?.budget;
      if (budget) budgeted.set(provider, budget);
    }
    if (budgeted.size === 0) return;
    const windows = new Map([...budgeted].map(([provider, budget]) => [provider, budgetWindowOf(budget.window, now)]));
    const spent = await this.daily.spendSince(new Map([...windows].map(([provider, window]) => [provider, window.start])));
    const changed: string[] = [];
    for (const [provider, budget] of budgeted) {
      const window = windows.get(provider)!;
      const spend = spent.get(provider) ?? 0n;
      const standing = budgetStanding(spend, budget.nanos, budget.warnRatio);
      this.metrics.budgetSpent(provider, spend, budget.nanos);
      const spendText = `${formatUsd(spend)} of ${formatUsd(budget.nanos)} USD this ${budget.window}`;
      const marked = budget.exhaustedUntil?.getTime() === window.end.getTime();
      const decidedOn = { usd: formatUsd(budget.nanos), window: budget.window };
      if (standing === 'exhausted') {
        if (!marked && (await this.configs.setBudgetExhausted(provider, window.end, decidedOn))) {
          changed.push(provider);
          this.logger.warn(`Budget of ${provider} exhausted: ${spendText}; out of selection until ${window.end.toISOString()}`);
        }
      } else if (budget.exhaustedUntil !== null && (await this.configs.setBudgetExhausted(provider, null, decidedOn))) {
        changed.push(provider);
        this.logger.log(`Budget of ${provider} no longer exhausted: ${spendText}`);
      }
      if (standing !== 'within' && (await this.configs.claimBudgetWarning(provider, window.start))) {
        this.metrics.budgetWarnings.inc({ provider: this.metrics.provider(provider) });
        this.logger.warn(`Budget of ${provider} at ${Math.round(budget.warnRatio * 100)} % or more: ${spendText}`);
      }
    }
    if (changed.length > 0) await this.state.reload(changed);
  }
}
