import { CallRecord, CallTally } from './call-tally';

const AT = new Date('2026-12-05T10:00:00Z');

function call(fields: Partial<CallRecord>): CallRecord {
  return {
    provider: 'openai',
    model: 'gpt-4o',
    credentialId: '0',
    consumerKeyId: '0',
    requests: 1,
    inputTokens: 10,
    outputTokens: 2,
    costNanos: 100n,
    at: AT,
    ...fields,
  };
}

describe(CallTally.name, () => {
  it('keeps a daily row per consumer key, beside the row without one, and adds up calls of the same key', () => {
    const tally = new CallTally();
    tally.add(call({ consumerKeyId: '12' }));
    tally.add(call({ consumerKeyId: '12', inputTokens: 5, costNanos: 50n }));
    tally.add(call({ consumerKeyId: '3' }));
    tally.add(call({}));
    const { daily } = tally.drain();
    expect(daily.map((d) => [d.consumerKeyId, d.requests, d.inputTokens, d.outputTokens, d.costNanos])).toEqual([
      ['0', 1n, 10n, 2n, 100n],
      ['12', 2n, 15n, 4n, 150n],
      ['3', 1n, 10n, 2n, 100n],
    ]);
    expect(daily.every((d) => d.day === '2026-12-05' && d.provider === 'openai' && d.model === 'gpt-4o')).toBe(true);
    expect(tally.size).toBe(0);
  });

  it('orders rows the same whatever order the calls came in, so instances lock shared rows in one order', () => {
    const calls = [
      call({ consumerKeyId: '7', model: 'b' }),
      call({ consumerKeyId: '7', model: 'a' }),
      call({ consumerKeyId: '70', model: 'a' }),
      call({ credentialId: '5', consumerKeyId: '7', model: 'a' }),
      call({ provider: 'anthropic', consumerKeyId: '1' }),
    ];
    const drained = (list: CallRecord[]) => {
      const tally = new CallTally();
      for (const c of list) tally.add(c);
      return tally.drain().daily.map((d) => `${d.provider}/${d.model}/${d.credentialId}/${d.consumerKeyId}`);
    };
    expect(drained([...calls].reverse())).toEqual(drained(calls));
    expect(new Set(drained(calls)).size).toBe(calls.length);
  });

  it('keeps outcomes per provider, bucket and model only: the consumer key does not split them', () => {
    const tally = new CallTally();
    tally.add(call({ consumerKeyId: '1', outcome: 'success', latencyMs: 10 }));
    tally.add(call({ consumerKeyId: '2', outcome: 'error', latencyMs: 30 }));
    const { outcomes } = tally.drain();
    expect(outcomes).toEqual([
      expect.objectContaining({ provider: 'openai', model: 'gpt-4o', successes: 1, errors: 1, latencyMsSum: 40n }),
    ]);
  });
});
