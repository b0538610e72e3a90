import type { BudgetWindow } from '../entities/provider-config.entity';

/** The budget window `now` falls in, in UTC: today, or this calendar month. */
export function budgetWindowOf(window: BudgetWindow, now: Date): { start: Date; end: Date } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  if (window === 'day') {
    const start = new Date(Date.UTC(y, m, now.getUTCDate()));
    return { start, end: new Date(start.getTime() + 86_400_000) };
  }
  return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
}

export type BudgetStanding = 'within' | 'warning' | 'exhausted';

/** Where the window's spend stands against the budget: exhausted at or past it, warning from warnRatio of it. */
export function budgetStanding(spentNanos: bigint, budgetNanos: bigint, warnRatio: number): BudgetStanding {
  if (spentNanos >= budgetNanos) return 'exhausted';
  // Ratio in parts per million, so the comparison stays in integers.
  const warnAt = (budgetNanos * BigInt(Math.round(warnRatio * 1_000_000))) / 1_000_000n;
  return spentNanos >= warnAt ? 'warning' : 'within';
}
