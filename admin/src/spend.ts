import type { BudgetWindow, SpendRow } from './api/types';

/** Pure date ranges and chart series for the spend views; the API counts in UTC days. */

export type RangePreset = 'month' | '7d' | '30d' | 'custom';
export type SpendBy = 'provider' | 'model' | 'key';

export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** This month so far, the last 7 or 30 days (today included), or the custom days as typed. */
export function rangeOf(preset: RangePreset, now: number, custom: DayRange): DayRange {
  const today = isoDay(now);
  if (preset === 'month') return { from: `${today.slice(0, 8)}01`, to: today };
  if (preset === '7d') return { from: isoDay(now - 6 * DAY_MS), to: today };
  if (preset === '30d') return { from: isoDay(now - 29 * DAY_MS), to: today };
  return custom;
}

/** The budget window that `now` is in, up to today: the spend the API compares with the budget. */
export function budgetWindowRange(window: BudgetWindow, now: number): DayRange {
  const today = isoDay(now);
  return { from: window === 'day' ? today : `${today.slice(0, 8)}01`, to: today };
}

/** Every day from `from` to `to` inclusive (none when the range is not two valid days in order). */
export function daysOf(range: DayRange): string[] {
  const start = Date.parse(`${range.from}T00:00:00Z`);
  const end = Date.parse(`${range.to}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return [];
  const days: string[] = [];
  for (let at = start; at <= end && days.length <= 366; at += DAY_MS) days.push(isoDay(at));
  return days;
}

/**
 * The name a row is charted under; usage reported without a model (an empty model) or made without a
 * consumer key (key id 0: not through the gateway) is named so. A key is named by its name, or by its
 * id if its row is gone (names never start with '#').
 */
export function keyOf(row: SpendRow, by: SpendBy): string {
  if (by === 'provider') return row.provider || '(no provider)';
  if (by === 'key') return !row.keyId || row.keyId === '0' ? '(no key)' : row.keyName || `#${row.keyId}`;
  return row.model || '(no model)';
}

export interface SpendSeries {
  days: string[];
  /** One series per provider, model or consumer key, the largest spend first. */
  keys: string[];
  /** USD per key per day (0 where nothing was spent): for drawing only, the table shows the exact strings. */
  values: number[][];
}

/** Rows grouped by day and provider (or model, or consumer key) as one line per key over every day of the range. */
export function spendSeries(rows: SpendRow[], by: SpendBy, range: DayRange): SpendSeries {
  const days = daysOf(range);
  const index = new Map(days.map((day, i) => [day, i]));
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(keyOf(row, by), (totals.get(keyOf(row, by)) ?? 0) + Number(row.costUsd));
  const keys = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
  const values = keys.map(() => days.map(() => 0));
  for (const row of rows) {
    const at = row.day === undefined ? undefined : index.get(row.day);
    if (at === undefined) continue;
    values[keys.indexOf(keyOf(row, by))][at] += Number(row.costUsd);
  }
  return { days, keys, values };
}

/** The table's order: by day, then the largest spend first within a day. */
export function tableRows(rows: SpendRow[]): SpendRow[] {
  return [...rows].sort((a, b) => (a.day ?? '').localeCompare(b.day ?? '') || Number(b.costUsd) - Number(a.costUsd));
}

/** Share of the budget spent, in percent (display only). */
export function budgetShare(spentUsd: string, budgetUsd: string): number | null {
  const budget = Number(budgetUsd);
  return budget > 0 ? (100 * Number(spentUsd)) / budget : null;
}
