import { loadCatalog } from '../catalog/load-catalog';
import { budgetStanding, budgetWindowOf } from './spend.rules';
import { costNanos, formatUsd, priceOf, usdToNanos } from '../catalog/prices';

const catalog = loadCatalog('config/providers.yaml');

describe('spend rules', () => {
  it('prices a call exactly from the catalog, and nothing for a model without a price', () => {
    const price = priceOf(catalog, 'openai', 'gpt-4o-mini');
    expect(price).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    // 1,000 input tokens at $0.15/M = $0.00015, 500 output at $0.60/M = $0.0003.
    expect(costNanos(price, 1000n, 500n)).toBe(450_000n);
    expect(costNanos(priceOf(catalog, 'openai', 'text-embedding-3-small'), 1_000_000n, 0n)).toBe(20_000_000n);
    expect(priceOf(catalog, 'ollama', 'llama3.1:latest')).toBeUndefined();
    expect(priceOf(catalog, 'openai', undefined)).toBeUndefined();
    expect(costNanos(undefined, 10n, 10n)).toBe(0n);
  });

  it('sums without rounding drift: a million calls of one token cost what one call of a million tokens does', () => {
    const price = priceOf(catalog, 'openai', 'gpt-4o')!;
    let total = 0n;
    for (let i = 0; i < 1_000_000; i++) total += costNanos(price, 1n, 0n);
    expect(total).toBe(costNanos(price, 1_000_000n, 0n));
    expect(formatUsd(total)).toBe('2.500000');
  });

  it('reads and writes USD amounts exactly', () => {
    expect(usdToNanos('12.5000')).toBe(12_500_000_000n);
    expect(usdToNanos('0.000000001')).toBe(1n);
    expect(usdToNanos('100')).toBe(100_000_000_000n);
    expect(formatUsd(1_234_567_891n)).toBe('1.234568');
    expect(formatUsd(0n)).toBe('0.000000');
    expect(() => usdToNanos('ten')).toThrow();
  });

  it('windows are UTC days and calendar months', () => {
    const now = new Date('2026-12-31T23:59:59Z');
    expect(budgetWindowOf('day', now)).toEqual({ start: new Date('2026-12-31T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') });
    expect(budgetWindowOf('month', now)).toEqual({ start: new Date('2026-12-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') });
    expect(budgetWindowOf('month', new Date('2026-02-10T00:00:00Z')).end).toEqual(new Date('2026-03-01T00:00:00Z'));
  });

  it('a budget is exhausted at its amount, and warns from its warning share', () => {
    const budget = usdToNanos('10');
    expect(budgetStanding(usdToNanos('7.99'), budget, 0.8)).toBe('within');
    expect(budgetStanding(usdToNanos('8'), budget, 0.8)).toBe('warning');
    expect(budgetStanding(usdToNanos('10'), budget, 0.8)).toBe('exhausted');
    expect(budgetStanding(usdToNanos('12'), budget, 0.8)).toBe('exhausted');
  });
});
