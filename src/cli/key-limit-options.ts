import type { ConsumerKeyLimitsInput } from '../registry';
import { CliUsageError } from './cli-errors';

/** The limit flags of ai:keys:create and ai:keys:update, as given (strings). */
export interface KeyLimitFlags {
  rpm?: string;
  tpm?: string;
  maxParallel?: string;
  budgetUsd?: string;
  budgetWindow?: string;
  budgetWarnAt?: string;
}

export const KEY_LIMIT_FLAG_NAMES: Record<keyof KeyLimitFlags, string> = {
  rpm: '--rpm',
  tpm: '--tpm',
  maxParallel: '--max-parallel',
  budgetUsd: '--budget-usd',
  budgetWindow: '--budget-window',
  budgetWarnAt: '--budget-warn-at',
};

function numberOf(flag: string, text: string, allowNone: boolean): number | null {
  if (allowNone && text === 'none') return null;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new CliUsageError(`${flag}: must be a number${allowNone ? ' or none' : ''}`);
  return value;
}

/**
 * The limits the flags set; `none` removes one (ai:keys:update only). The service checks the values
 * (whole numbers, a budget's window and share) and names the field it refuses.
 */
export function keyLimitsOf(flags: KeyLimitFlags, allowNone: boolean): ConsumerKeyLimitsInput {
  const limits: ConsumerKeyLimitsInput = {};
  if (flags.rpm !== undefined) limits.rpm = numberOf('--rpm', flags.rpm, allowNone);
  if (flags.tpm !== undefined) limits.tpm = numberOf('--tpm', flags.tpm, allowNone);
  if (flags.maxParallel !== undefined) limits.maxParallel = numberOf('--max-parallel', flags.maxParallel, allowNone);
  if (flags.budgetUsd !== undefined) limits.budgetUsd = numberOf('--budget-usd', flags.budgetUsd, allowNone);
  if (flags.budgetWindow !== undefined) {
    if (flags.budgetWindow !== 'day' && flags.budgetWindow !== 'month') throw new CliUsageError('--budget-window: must be day or month');
    limits.budgetWindow = flags.budgetWindow;
  }
  if (flags.budgetWarnAt !== undefined) limits.budgetWarnAt = numberOf('--budget-warn-at', flags.budgetWarnAt, allowNone);
  return limits;
}

/** One line of a key's limits for the terminal: "rpm 600, tpm 200000, budget 50.0000 USD/month (warn at 80 %)" or "no limits". */
export function describeLimits(view: {
  rpm: number | null;
  tpm: number | null;
  maxParallel: number | null;
  budgetUsd: string | null;
  budgetWindow: string | null;
  budgetWarnRatio: number | null;
}): string {
  const parts: string[] = [];
  if (view.rpm !== null) parts.push(`rpm ${view.rpm}`);
  if (view.tpm !== null) parts.push(`tpm ${view.tpm}`);
  if (view.maxParallel !== null) parts.push(`max parallel ${view.maxParallel}`);
  if (view.budgetUsd !== null) {
    const warn = view.budgetWarnRatio === null ? '' : ` (warn at ${Math.round(view.budgetWarnRatio * 100)} %)`;
    parts.push(`budget ${view.budgetUsd} USD/${view.budgetWindow}${warn}`);
  }
  return parts.length === 0 ? 'no limits' : parts.join(', ');
}
