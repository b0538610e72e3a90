import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, messageOf } from '../api/client';
import type { BudgetWindow, Provider, UsageView } from '../api/types';
import { type BudgetField, budgetErrorInWords, isBudgetField } from '../budget-errors';
import { DaySpan } from '../components/day-span';
import { ActionStatus, FieldErrorText } from '../components/field-error';
import { dayMonth, percent, usd } from '../format';
import { useSession } from '../session-context';
import { budgetShare, budgetWindowRange } from '../spend';
import { usePolling } from '../use-polling';

interface Values {
  usd: string;
  window: BudgetWindow;
  warnAt: string;
}

function valuesOf(provider: Provider): Values {
  const budget = provider.budget;
  // "1.0000" from the API is shown as "1" (at most 4 decimals: exact as a number).
  return budget
    ? { usd: String(Number(budget.usd)), window: budget.window, warnAt: String(budget.warnAt) }
    : { usd: '', window: 'month', warnAt: '0.8' };
}

/** A typed number as the API gets it: numbers as numbers, anything else as typed, so the API's own rule names it. */
function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/**
 * The provider's spend limit per UTC day or month, with what it has spent in the current window. The
 * API validates (amount above 0 with at most 4 decimals, share 0.01–1); what it refuses is said at the
 * field in the form's words; at the limit the provider is out of selection until the window ends or
 * the limit is raised.
 */
export function BudgetForm({ provider, etag, onSaved }: { provider: Provider; etag: string | null; onSaved: () => void }) {
  const { canAct } = useSession();
  const [values, setValues] = useState<Values>(() => valuesOf(provider));
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ error: string | null; done: string | null }>({ error: null, done: null });
  const [busy, setBusy] = useState(false);
  const editingFrom = useRef<string | null>(null);
  const saved = JSON.stringify(provider.budget);
  const lastSaved = useRef(saved);

  // A change made elsewhere shows up while nothing is being edited here.
  useEffect(() => {
    if (saved !== lastSaved.current && !dirty) setValues(valuesOf(provider));
    lastSaved.current = saved;
  }, [saved, dirty, provider]);

  const budget = provider.budget;
  const window = budget?.window ?? values.window;
  const range = budgetWindowRange(window, Date.now());
  const path = `/usage`;
  const spent = usePolling(async () => {
    const { data } = await api<UsageView>(path, {
      query: { groupBy: 'provider', provider: provider.provider, from: range.from, to: range.to },
    });
    return data.spend.totalUsd;
  }, `budget-spend:${provider.provider}:${range.from}:${range.to}`);

  const edit = (change: Partial<Values>) => {
    if (!dirty) editingFrom.current = etag;
    setDirty(true);
    setValues((current) => ({ ...current, ...change }));
  };

  async function send(body: Record<string, unknown>, done: string) {
    setBusy(true);
    setErrors({});
    setStatus({ error: null, done: null });
    try {
      const ifMatch = editingFrom.current ?? etag;
      await api<Provider>(`/providers/${encodeURIComponent(provider.provider)}`, {
        method: 'PATCH',
        body,
        headers: ifMatch ? { 'If-Match': ifMatch } : {},
      });
      editingFrom.current = null;
      setDirty(false);
      setStatus({ error: null, done });
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        editingFrom.current = null;
        setDirty(false);
        setValues(valuesOf(provider));
        setStatus({
          error: 'Not saved: someone else changed this provider after you started editing. The form shows the current budget.',
          done: null,
        });
        onSaved();
        return;
      }
      const atFields: Record<string, string> = {};
      const general: string[] = [];
      if (error instanceof ApiError) {
        for (const e of error.fieldErrors) {
          const { field } = e;
          if (isBudgetField(field)) atFields[field] = budgetErrorInWords({ ...e, field });
          else general.push(e.message);
        }
      }
      setErrors(atFields);
      setStatus({
        error:
          general.length > 0
            ? general.join('; ')
            : Object.keys(atFields).length > 0
              ? 'Not saved: see the marked fields.'
              : messageOf(error),
        done: null,
      });
    } finally {
      setBusy(false);
    }
  }

  const save = (event: Event) => {
    event.preventDefault();
    if (values.usd.trim() === '') {
      setErrors({ budgetUsd: 'Type an amount in USD (or remove the budget).' });
      return;
    }
    void send(
      { budgetUsd: numberOrText(values.usd), budgetWindow: values.window, budgetWarnAt: numberOrText(values.warnAt) },
      'Budget saved',
    );
  };

  const field = (name: BudgetField) => ({
    'aria-invalid': errors[name] ? ('true' as const) : undefined,
    'aria-describedby': errors[name] ? `${name}-error` : undefined,
  });
  const share = budget && spent.data !== undefined ? budgetShare(spent.data, budget.usd) : null;
  const exhausted = budget?.exhaustedUntil && Date.parse(budget.exhaustedUntil) > Date.now() ? budget.exhaustedUntil : null;

  return (
    <form class="card" onSubmit={save} aria-labelledby="budget-title" noValidate data-testid="budget">
      <h2 id="budget-title">Budget</h2>
      <dl class="facts" data-testid="budget-spend">
        <dt>{window === 'day' ? 'Spent today' : 'Spent this month'}</dt>
        <dd>
          {spent.data === undefined ? '…' : usd(spent.data)}
          {budget && ` of ${usd(budget.usd)}`}
          {share !== null && ` (${percent(share)})`}
          <span class="hint" data-testid="budget-days">
            {' '}
            <DaySpan from={range.from} to={range.to} /> (UTC)
          </span>
        </dd>
        <dt>State</dt>
        <dd data-testid="budget-state">
          {!budget
            ? 'no budget: spend is not limited'
            : exhausted
              ? `budget spent: out of selection until ${dayMonth(exhausted)}`
              : `within budget; a warning is logged at ${percent(budget.warnAt * 100)} of it`}
        </dd>
      </dl>
      {spent.error && <p class="action-error">Could not load the spend: {spent.error}</p>}
      <div class="budget-fields">
        <label>
          Budget (USD)
          <input
            name="budgetUsd"
            inputMode="decimal"
            autoComplete="off"
            value={values.usd}
            disabled={!canAct}
            {...field('budgetUsd')}
            onInput={(e) => edit({ usd: e.currentTarget.value })}
          />
          <FieldErrorText id="budgetUsd-error" message={errors.budgetUsd} />
        </label>
        <label>
          Per
          <select
            name="budgetWindow"
            value={values.window}
            disabled={!canAct}
            {...field('budgetWindow')}
            onChange={(e) => edit({ window: e.currentTarget.value as BudgetWindow })}
          >
            <option value="month">calendar month (UTC)</option>
            <option value="day">day (UTC)</option>
          </select>
          <FieldErrorText id="budgetWindow-error" message={errors.budgetWindow} />
        </label>
        <label>
          Warn at (share, 0.01–1)
          <input
            name="budgetWarnAt"
            inputMode="decimal"
            autoComplete="off"
            value={values.warnAt}
            disabled={!canAct}
            {...field('budgetWarnAt')}
            onInput={(e) => edit({ warnAt: e.currentTarget.value })}
          />
          <FieldErrorText id="budgetWarnAt-error" message={errors.budgetWarnAt} />
        </label>
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={!canAct || busy}>
          Save budget
        </button>
        <button type="button" disabled={!canAct || busy || !budget} onClick={() => void send({ budgetUsd: null }, 'Budget removed')}>
          Remove budget
        </button>
      </div>
      <ActionStatus error={status.error} done={status.done} />
    </form>
  );
}
