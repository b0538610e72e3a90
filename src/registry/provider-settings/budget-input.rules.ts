import type { BudgetWindow } from '../entities/provider-config.entity';
import { InvalidInputError } from '../kernel/registry.errors';

export const BUDGET_WINDOWS: readonly BudgetWindow[] = ['day', 'month'];
/** numeric(14,4): up to ten digits of dollars. */
const MAX_BUDGET_USD = 9_999_999_999;

/** An operator's budget in USD (to the hundredth of a cent), as the decimal string the column takes; null for none. */
export function assertBudgetUsd(value: unknown): string | null {
  if (value === null) return null;
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_BUDGET_USD;
  if (!ok || Math.abs(value * 10_000 - Math.round(value * 10_000)) > 1e-6) {
    throw new InvalidInputError(
      'budgetUsd',
      `must be an amount of USD above 0 and at most ${MAX_BUDGET_USD}, with at most 4 decimals, or null for none`,
    );
  }
  return (value as number).toFixed(4);
}

export function assertBudgetWindow(value: unknown): BudgetWindow {
  if (!(BUDGET_WINDOWS as readonly unknown[]).includes(value))
    throw new InvalidInputError('budgetWindow', `must be one of ${BUDGET_WINDOWS.join(', ')}`);
  return value as BudgetWindow;
}

export function assertBudgetWarnRatio(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new InvalidInputError('budgetWarnAt', 'must be a share of the budget above 0 and at most 1 (e.g. 0.8)');
  }
  return value;
}
