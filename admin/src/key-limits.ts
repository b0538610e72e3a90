import type { BudgetWindow, ConsumerKey, FieldError } from './api/types';
import { budgetErrorInWords, isBudgetField } from './budget-errors';
import { count, percent, usd } from './format';

/** Pure wording and shapes of a consumer key's limits (PATCH /api/keys/:id, POST /api/keys). */

export type KeyLimits = Pick<ConsumerKey, 'rpm' | 'tpm' | 'maxParallel' | 'budgetUsd' | 'budgetWindow' | 'budgetWarnRatio'>;

/** The form's fields by the API's name for each, with the label the form shows. */
export const LIMIT_LABELS = {
  rpm: 'Requests per minute',
  tpm: 'Tokens per minute',
  maxParallel: 'At most in flight',
  budgetUsd: 'Budget (USD)',
  budgetWindow: 'Per',
  budgetWarnAt: 'Warn at',
} as const;
export type LimitField = keyof typeof LIMIT_LABELS;
type CountField = 'rpm' | 'tpm' | 'maxParallel';

/** What the form holds: each field as typed. */
export interface LimitValues {
  rpm: string;
  tpm: string;
  maxParallel: string;
  usd: string;
  window: BudgetWindow;
  warnAt: string;
}

export const NO_LIMIT_VALUES: LimitValues = { rpm: '', tpm: '', maxParallel: '', usd: '', window: 'month', warnAt: '0.8' };

/** The key's limits as the form shows them: empty for none ("50.0000" shown as "50"). */
export function limitValuesOf(key: KeyLimits): LimitValues {
  const text = (n: number | null) => (n === null ? '' : String(n));
  return {
    rpm: text(key.rpm),
    tpm: text(key.tpm),
    maxParallel: text(key.maxParallel),
    usd: key.budgetUsd === null ? '' : String(Number(key.budgetUsd)),
    window: key.budgetWindow ?? 'month',
    warnAt: key.budgetWarnRatio === null ? (key.budgetUsd === null ? '0.8' : '') : String(key.budgetWarnRatio),
  };
}

/** A typed number as the API gets it: numbers as numbers, anything else as typed, so the API's own rule names it. */
function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/**
 * The body that sets these limits. A change (`'update'`) sends every field, an empty one as null (no
 * limit; an empty budget removes its window and warning share too); a new key (`'create'`) leaves
 * empty fields out.
 */
export function limitsBody(values: LimitValues, mode: 'update' | 'create'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const empty = (text: string) => text.trim() === '';
  for (const field of ['rpm', 'tpm', 'maxParallel'] as const) {
    if (!empty(values[field])) body[field] = numberOrText(values[field]);
    else if (mode === 'update') body[field] = null;
  }
  if (!empty(values.usd)) {
    body.budgetUsd = numberOrText(values.usd);
    body.budgetWindow = values.window;
    body.budgetWarnAt = empty(values.warnAt) ? null : numberOrText(values.warnAt);
  } else if (mode === 'update') body.budgetUsd = null;
  return body;
}

/** `600 requests/min`, `$50.00 per month (warning at 80.0 %)`…; empty when the key has no limits. */
export function limitsInWords(key: KeyLimits): string[] {
  const words: string[] = [];
  if (key.rpm !== null) words.push(`${count(key.rpm)} requests/min`);
  if (key.tpm !== null) words.push(`${count(key.tpm)} tokens/min`);
  if (key.maxParallel !== null) words.push(`${count(key.maxParallel)} in flight at most`);
  if (key.budgetUsd !== null) {
    const warning = key.budgetWarnRatio === null ? '' : ` (warning at ${percent(key.budgetWarnRatio * 100)})`;
    words.push(`${usd(key.budgetUsd)} per ${key.budgetWindow === 'day' ? 'day' : 'month'}${warning}`);
  }
  return words;
}

/** What each rule of the API's count fields means, said as the form says it (class-validator's rule names). */
function countErrorInWords(error: FieldError & { field: CountField }): string {
  const label = LIMIT_LABELS[error.field];
  const words: Record<string, string> = {
    isInt: `${label} must be a whole number, such as 600.`,
    min: `${label} must be at least 1. To remove the limit, leave it empty.`,
    max: `${label} can be at most 2,147,483,647.`,
  };
  return words[error.rule] ?? error.message.replaceAll(error.field, label);
}

function isLimitField(field: string): field is LimitField {
  return Object.hasOwn(LIMIT_LABELS, field);
}

/** The API's field errors about limits in the form's words, by field; the others as they came. */
export function limitErrorsByField(errors: readonly FieldError[]): { fields: Partial<Record<LimitField, string>>; others: FieldError[] } {
  const fields: Partial<Record<LimitField, string>> = {};
  const others: FieldError[] = [];
  for (const e of errors) {
    const { field } = e;
    if (!isLimitField(field)) {
      others.push(e);
      continue;
    }
    const words =
      field === 'budgetUsd' && e.rule === 'min'
        ? 'Budget (USD) must be more than $0. To stop limiting spend, leave it empty.'
        : isBudgetField(field)
          ? budgetErrorInWords({ ...e, field })
          : countErrorInWords({ ...e, field });
    fields[field] = fields[field] ? `${fields[field]} ${words}` : words;
  }
  return { fields, others };
}
