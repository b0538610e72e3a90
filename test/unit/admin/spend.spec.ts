import type { SpendRow } from '../../../admin/src/api/types';
import { budgetShare, budgetWindowRange, daysOf, rangeOf, spendSeries, tableRows } from '../../../admin/src/spend';

const row = (day: string, provider: string, model: string | null | undefined, costUsd: string): SpendRow => ({
  day,
  provider,
  ...(model === undefined ? {} : { model }),
  requests: '1',
  inputTokens: '0',
  outputTokens: '0',
  costUsd,
});

describe('admin console spend views', () => {
  const now = Date.parse('2026-12-09T15:00:00Z');

  it('turns the range presets into UTC days, today included', () => {
    const custom = { from: '2026-10-01', to: '2026-10-31' };
    expect(rangeOf('month', now, custom)).toEqual({ from: '2026-12-01', to: '2026-12-09' });
    expect(rangeOf('7d', now, custom)).toEqual({ from: '2026-12-03', to: '2026-12-09' });
    expect(rangeOf('30d', now, custom)).toEqual({ from: '2026-11-10', to: '2026-12-09' });
    expect(rangeOf('custom', now, custom)).toBe(custom);
    expect(budgetWindowRange('day', now)).toEqual({ from: '2026-12-09', to: '2026-12-09' });
    expect(budgetWindowRange('month', now)).toEqual({ from: '2026-12-01', to: '2026-12-09' });
  });

  it('lists every day of a range, none for a range backwards or not typed yet', () => {
    expect(daysOf({ from: '2026-02-27', to: '2026-03-02' })).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(daysOf({ from: '2026-03-02', to: '2026-03-01' })).toEqual([]);
    expect(daysOf({ from: '', to: '2026-03-01' })).toEqual([]);
  });

  it('makes one line per provider or model over every day, the largest spend first, zero on days without spend', () => {
    const rows = [
      row('2026-12-02', 'anthropic', 'claude-haiku-4-5', '0.500000'),
      row('2026-12-03', 'openai', 'gpt-4o', '3.500000'),
      row('2026-12-03', 'openai', undefined, '0.000000'),
      row('2026-12-01', 'openai', 'gpt-4o-mini', '0.250000'),
      row('2026-12-01', 'openai', '', '0.000000'),
    ];
    const range = { from: '2026-12-01', to: '2026-12-03' };
    expect(spendSeries(rows, 'provider', range)).toEqual({
      days: ['2026-12-01', '2026-12-02', '2026-12-03'],
      keys: ['openai', 'anthropic'],
      values: [
        [0.25, 0, 3.5],
        [0, 0.5, 0],
      ],
    });
    expect(spendSeries(rows, 'model', range).keys).toEqual(['gpt-4o', 'claude-haiku-4-5', 'gpt-4o-mini', '(no model)']);
    expect(tableRows(rows).map((r) => `${r.day} ${r.costUsd}`)).toEqual([
      '2026-12-01 0.250000',
      '2026-12-01 0.000000',
      '2026-12-02 0.500000',
      '2026-12-03 3.500000',
      '2026-12-03 0.000000',
    ]);
  });

  it('shows usage without a model, as the API says it (model: null), as (no model)', () => {
    const rows = [row('2026-12-01', 'openai', 'gpt-4o', '1.000000'), row('2026-12-01', 'openai', null, '0.500000')];
    expect(spendSeries(rows, 'model', { from: '2026-12-01', to: '2026-12-01' })).toEqual({
      days: ['2026-12-01'],
      keys: ['gpt-4o', '(no model)'],
      values: [[1], [0.5]],
    });
  });

  it('makes one line per consumer key by its name, the usage without a key as (no key)', () => {
    const byKey = (day: string, keyId: string, keyName: string, costUsd: string): SpendRow => ({
      day,
      keyId,
      keyName,
      requests: '1',
      inputTokens: '0',
      outputTokens: '0',
      costUsd,
    });
    const rows = [
      byKey('2026-12-01', '0', '', '0.100000'),
      byKey('2026-12-01', '12', 'billing-svc', '2.000000'),
      byKey('2026-12-02', '12', 'billing-svc', '1.000000'),
      byKey('2026-12-02', '7', 'search-svc', '0.500000'),
      // A key whose row was deleted in the database: named by its id.
      byKey('2026-12-02', '9', '', '0.050000'),
    ];
    const series = spendSeries(rows, 'key', { from: '2026-12-01', to: '2026-12-02' });
    expect(series.keys).toEqual(['billing-svc', 'search-svc', '(no key)', '#9']);
    expect(series.values[0]).toEqual([2, 1]);
  });

  it('says the share of a budget spent', () => {
    expect(budgetShare('0.0105', '0.01')).toBeCloseTo(105);
    expect(budgetShare('1', '0')).toBeNull();
  });
});
