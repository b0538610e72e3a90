import { assertBudgetUsd, assertBudgetWarnRatio, assertBudgetWindow } from '../provider-settings/budget-input.rules';
import { InvalidInputError } from '../kernel/registry.errors';
import type { ConsumerKeyLimits, ConsumerKeyLimitsInput } from './consumer-key.types';

/** integer columns: up to 2^31 − 1. */
const MAX_LIMIT = 2_147_483_647;
/** A budget's warning share when none is given. */
export const DEFAULT_BUDGET_WARN_RATIO = 0.8;

export const NO_LIMITS: Readonly<ConsumerKeyLimits> = Object.freeze({
  rpm: null,
  tpm: null,
  maxParallel: null,
  budgetUsd: null,
  budgetWindow: null,
  budgetWarnRatio: null,
});

function assertCount(value: unknown, field: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LIMIT)
    throw new InvalidInputError(field, `must be a whole number from 1 to ${MAX_LIMIT}, or null for no limit`);
  return value;
}

/**
 * The limits after applying `input` to `current` (NO_LIMITS at creation): each field left out is
 * kept, null removes it. Refuses a window or warning share with no budget to apply to.
 */
export function applyConsumerKeyLimits(current: Readonly<ConsumerKeyLimits>, input: ConsumerKeyLimitsInput | undefined): ConsumerKeyLimits {
  const next: ConsumerKeyLimits = { ...current };
  if (input === undefined || input === null) return next;
  if (typeof input !== 'object') throw new InvalidInputError('limits', 'must be an object');
  if (input.rpm !== undefined) next.rpm = assertCount(input.rpm, 'rpm');
  if (input.tpm !== undefined) next.tpm = assertCount(input.tpm, 'tpm');
  if (input.maxParallel !== undefined) next.maxParallel = assertCount(input.maxParallel, 'maxParallel');
  if (input.budgetUsd !== undefined) {
    const usd = input.budgetUsd === null ? null : assertBudgetUsd(input.budgetUsd);
    next.budgetUsd = usd;
    if (usd === null) {
      next.budgetWindow = null;
      next.budgetWarnRatio = null;
    } else {
      next.budgetWindow ??= 'month';
      if (current.budgetUsd === null) next.budgetWarnRatio = DEFAULT_BUDGET_WARN_RATIO;
    }
  }
  if (input.budgetWindow !== undefined) {
    if (next.budgetUsd === null) throw new InvalidInputError('budgetWindow', 'applies to a budget: set budgetUsd too');
    next.budgetWindow = assertBudgetWindow(input.budgetWindow);
  }
  if (input.budgetWarnAt !== undefined) {
    if (input.budgetWarnAt !== null && next.budgetUsd === null)
      throw new InvalidInputError('budgetWarnAt', 'applies to a budget: set budgetUsd too');
    next.budgetWarnRatio = input.budgetWarnAt === null ? null : assertBudgetWarnRatio(input.budgetWarnAt);
  }
  return next;
}

/** The limits of a row, as the cache and views hold them. */
export function limitsOf(row: ConsumerKeyLimits): ConsumerKeyLimits {
  return {
    rpm: row.rpm,
    tpm: row.tpm,
    maxParallel: row.maxParallel,
    budgetUsd: row.budgetUsd,
    budgetWindow: row.budgetWindow,
    budgetWarnRatio: row.budgetWarnRatio,
  };
}
