import type { BudgetWindow } from '../api/types';
import { FieldErrorText } from '../components/field-error';
import { LIMIT_LABELS, type LimitField, type LimitValues } from '../key-limits';

interface Props {
  /** Prefix of the fields' ids: unique on the page. */
  idPrefix: string;
  values: LimitValues;
  errors: Partial<Record<LimitField, string>>;
  disabled?: boolean;
  onChange: (change: Partial<LimitValues>) => void;
}

const NUMBER_FIELDS: Array<{ field: LimitField; value: keyof LimitValues; hint: string }> = [
  { field: 'rpm', value: 'rpm', hint: 'per UTC minute' },
  { field: 'tpm', value: 'tpm', hint: 'input and output, per UTC minute' },
  { field: 'maxParallel', value: 'maxParallel', hint: 'calls at once' },
  { field: 'budgetUsd', value: 'usd', hint: "at the catalog's prices" },
];

/** A key's limits as form fields: empty for no limit; the API's errors at the field they are about. */
export function KeyLimitFields({ idPrefix, values, errors, disabled, onChange }: Props) {
  const invalid = (field: LimitField) => ({
    'aria-invalid': errors[field] ? ('true' as const) : undefined,
    'aria-describedby': errors[field] ? `${idPrefix}-${field}-error` : undefined,
  });
  return (
    <fieldset class="budget-fields key-limit-fields" data-testid="key-limit-fields">
      <legend>Limits (empty: no limit)</legend>
      {NUMBER_FIELDS.map(({ field, value, hint }) => (
        <label key={field}>
          {LIMIT_LABELS[field]} <span class="hint">({hint})</span>
          <input
            name={field}
            inputMode={field === 'budgetUsd' ? 'decimal' : 'numeric'}
            autoComplete="off"
            value={values[value]}
            disabled={disabled}
            {...invalid(field)}
            onInput={(e) => onChange({ [value]: e.currentTarget.value })}
          />
          <FieldErrorText id={`${idPrefix}-${field}-error`} message={errors[field]} />
        </label>
      ))}
      <label>
        Per
        <select
          name="budgetWindow"
          value={values.window}
          disabled={disabled}
          {...invalid('budgetWindow')}
          onChange={(e) => onChange({ window: e.currentTarget.value as BudgetWindow })}
        >
          <option value="month">calendar month (UTC)</option>
          <option value="day">day (UTC)</option>
        </select>
        <FieldErrorText id={`${idPrefix}-budgetWindow-error`} message={errors.budgetWindow} />
      </label>
      <label>
        Warn at (share, 0.01–1)
        <input
          name="budgetWarnAt"
          inputMode="decimal"
          autoComplete="off"
          value={values.warnAt}
          disabled={disabled}
          {...invalid('budgetWarnAt')}
          onInput={(e) => onChange({ warnAt: e.currentTarget.value })}
        />
        <FieldErrorText id={`${idPrefix}-budgetWarnAt-error`} message={errors.budgetWarnAt} />
      </label>
    </fieldset>
  );
}
