import { UsageTally } from './usage-tally';

describe(UsageTally.name, () => {
  it('adds up past 2^53 exactly, where a number sum would round', () => {
    const tally = new UsageTally();
    const at = new Date('2025-01-01T00:00:00Z');
    const amount = 2_147_483_647;
    const records = 2 ** 22 + 3;
    let asNumber = 0;
    for (let i = 0; i < records; i++) {
      tally.add('openai', { requests: amount, inputTokens: 1, outputTokens: amount, lastUsedAt: at });
      asNumber += amount;
    }
    const exact = BigInt(amount) * BigInt(records);
    expect(exact > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(BigInt(asNumber)).not.toBe(exact);
    expect(tally.get('openai')).toEqual({ requests: exact, inputTokens: BigInt(records), outputTokens: exact, lastUsedAt: at });
  });

  it('keeps the latest use per key and starts afresh after a drain', () => {
    const tally = new UsageTally();
    const early = new Date('2025-01-01T00:00:00Z');
    const late = new Date('2025-01-02T00:00:00Z');
    tally.add('a', { requests: 1, inputTokens: 0, outputTokens: 0, lastUsedAt: late });
    tally.add('a', { requests: 2, inputTokens: 5, outputTokens: 7, lastUsedAt: early });
    tally.add('b', { requests: 1, inputTokens: 0, outputTokens: 0, lastUsedAt: early });
    const drained = tally.drain();
    expect(Object.fromEntries(drained)).toEqual({
      a: { requests: 3n, inputTokens: 5n, outputTokens: 7n, lastUsedAt: late },
      b: { requests: 1n, inputTokens: 0n, outputTokens: 0n, lastUsedAt: early },
    });
    expect(tally.size).toBe(0);
    tally.add('a', { requests: 1, inputTokens: 0, outputTokens: 0, lastUsedAt: early });
    expect(drained.get('a')?.requests).toBe(3n);
  });
});
