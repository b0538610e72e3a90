import { useMemo, useState } from 'preact/hooks';
import { ApiError, api } from '../api/client';
import type { SpendReport, UsageView } from '../api/types';
import { DaySpan } from '../components/day-span';
import { FieldErrorText } from '../components/field-error';
import { SpendChart } from '../components/spend-chart';
import { count, usd } from '../format';
import { DayRange, RangePreset, SpendBy, keyOf, rangeOf, spendSeries, tableRows } from '../spend';
import { usePolling } from '../use-polling';

const PRESETS: Array<{ preset: RangePreset; label: string }> = [
  { preset: 'month', label: 'This month' },
  { preset: '7d', label: 'Last 7 days' },
  { preset: '30d', label: 'Last 30 days' },
  { preset: 'custom', label: 'Custom' },
];

/** The table's heading for what the spend is grouped by. */
const SPEND_BY_LABEL: Record<SpendBy, string> = { provider: 'Provider', model: 'Model', key: 'Consumer key' };

interface Loaded {
  spend?: SpendReport;
  /** The API's words for a refused range, by the field they name (from, to). */
  fieldErrors?: Record<string, string>;
}

/** Spend (USD from catalog prices) per day and provider, model or consumer key over a range, as a chart, a table and a total. */
export function SpendPanel() {
  const [preset, setPreset] = useState<RangePreset>('month');
  const [by, setBy] = useState<SpendBy>('provider');
  const [custom, setCustom] = useState<DayRange>(() => rangeOf('30d', Date.now(), { from: '', to: '' }));
  const range = rangeOf(preset, Date.now(), custom);
  const key = `spend:${by}:${range.from}:${range.to}`;
  const polled = usePolling<Loaded>(async () => {
    try {
      const { data } = await api<UsageView>('/usage', { query: { groupBy: `day,${by}`, from: range.from, to: range.to } });
      return { spend: data.spend };
    } catch (error) {
      // A custom range the API refuses (to before from, too long) is said at the date it names.
      if (error instanceof ApiError && error.status === 400 && error.fieldErrors.length > 0) {
        return { fieldErrors: Object.fromEntries(error.fieldErrors.map((e) => [e.field, e.message])) };
      }
      throw error;
    }
  }, key);

  const spend = polled.data?.spend;
  const fieldErrors = polled.data?.fieldErrors ?? {};
  const series = useMemo(() => spendSeries(spend?.rows ?? [], by, range), [spend, by, range.from, range.to]);
  const what = SPEND_BY_LABEL[by];

  return (
    <section class="card spend-panel" aria-labelledby="spend-title">
      <div class="card-head">
        <h2 id="spend-title">Spend over time</h2>
        <div class="segmented" role="group" aria-label="Spend range">
          {PRESETS.map((p) => (
            <button key={p.preset} type="button" aria-pressed={preset === p.preset} onClick={() => setPreset(p.preset)}>
              {p.label}
            </button>
          ))}
        </div>
      </div>
      <div class="filters">
        <label>
          Group spend by
          <select value={by} onChange={(e) => setBy(e.currentTarget.value as SpendBy)}>
            <option value="provider">provider</option>
            <option value="model">model</option>
            <option value="key">consumer key</option>
          </select>
        </label>
        {preset === 'custom' && (
          <>
            <label>
              From (UTC day)
              <input
                type="date"
                value={custom.from}
                aria-invalid={fieldErrors.from ? 'true' : undefined}
                aria-describedby={fieldErrors.from ? 'spend-from-error' : undefined}
                onChange={(e) => setCustom({ ...custom, from: e.currentTarget.value })}
              />
              <FieldErrorText id="spend-from-error" message={fieldErrors.from} />
            </label>
            <label>
              To (UTC day)
              <input
                type="date"
                value={custom.to}
                aria-invalid={fieldErrors.to ? 'true' : undefined}
                aria-describedby={fieldErrors.to ? 'spend-to-error' : undefined}
                onChange={(e) => setCustom({ ...custom, to: e.currentTarget.value })}
              />
              <FieldErrorText id="spend-to-error" message={fieldErrors.to} />
            </label>
          </>
        )}
      </div>
      <p class="hint">
        USD from the catalog’s list prices at the time of each call; calls to models without a price count as $0.00. Days are UTC.
      </p>
      {polled.error && (
        <p class="action-error" role="alert">
          Could not load spend: {polled.error}
        </p>
      )}
      {spend && (
        <>
          <p class="spend-total">
            Total <DaySpan from={spend.from} to={spend.to} />: <strong data-testid="spend-total">{usd(spend.totalUsd)}</strong>
          </p>
          <SpendChart series={series} label={`Spend per day and ${what.toLowerCase()} from ${spend.from} to ${spend.to}`} />
          {spend.rows.length === 0 ? (
            <p>Nothing spent in this range.</p>
          ) : (
            <table data-testid="spend-table">
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">{what}</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Input tokens</th>
                  <th scope="col">Output tokens</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                {tableRows(spend.rows).map((row) => (
                  <tr key={`${row.day}:${keyOf(row, by)}`}>
                    <td>{row.day}</td>
                    <th scope="row">{keyOf(row, by)}</th>
                    <td>{count(row.requests)}</td>
                    <td>{count(row.inputTokens)}</td>
                    <td>{count(row.outputTokens)}</td>
                    <td>{usd(row.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={5}>
                    Total
                  </th>
                  <td>{usd(spend.totalUsd)}</td>
                </tr>
              </tfoot>
            </table>
          )}
        </>
      )}
    </section>
  );
}
