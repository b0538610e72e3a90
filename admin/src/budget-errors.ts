import type { FieldError } from './api/types';

/** The budget form's fields by the API's name for each, with the label the form shows. */
export const BUDGET_LABELS = { budgetUsd: 'Budget (USD)', budgetWindow: 'Per', budgetWarnAt: 'Warn at' } as const;
export type BudgetField = keyof typeof BUDGET_LABELS;

/** What each rule of the API's budget fields means, said as the form says it (class-validator's rule names). */
const WORDS: Record<BudgetField, Record<string, string>> = {
  budgetUsd: {
    isNumber: 'Budget (USD) must be an amount in dollars, such as 50 or 12.5, with at most 4 decimals.',
    maxDecimals: 'Budget (USD) must be an amount in dollars, such as 50 or 12.5, with at most 4 decimals.',
    min: 'Budget (USD) must be more than $0. To stop limiting spend, use “Remove budget”.',
    max: 'Budget (USD) can be at most $9,999,999,999.',
  },
  budgetWindow: { isIn: 'Per must be a calendar month or a day.' },
  budgetWarnAt: {
    isNumber: 'Warn at must be a share of the budget, such as 0.8 for 80 %.',
    min: 'Warn at must be at least 0.01 (1 % of the budget).',
    max: 'Warn at can be at most 1 (the whole budget).',
  },
};

export function isBudgetField(field: string): field is BudgetField {
  return Object.hasOwn(BUDGET_LABELS, field);
}

/** An API field error in the form's words: by its rule, else the API's message with the field's label in place of its API name. */
export function budgetErrorInWords(error: FieldError & { field: BudgetField }): string {
  return WORDS[error.field][error.rule] ?? error.message.replaceAll(error.field, BUDGET_LABELS[error.field]);
}
