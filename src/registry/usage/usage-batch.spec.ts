import { randomUUID } from 'node:crypto';
import { batchHash, batchLedgerId, NormalizedUsageRecord } from './usage-batch';

describe(batchLedgerId.name, () => {
  it('gives a key the same uuid every time and different keys different ones', () => {
    const id = batchLedgerId('order-42/retry');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(batchLedgerId('order-42/retry')).toBe(id);
    expect(batchLedgerId('order-42/retrz')).not.toBe(id);
  });

  it('can never equal a flush id (those are version 4)', () => {
    expect(randomUUID()[14]).toBe('4');
    expect(batchLedgerId(randomUUID())[14]).toBe('8');
  });
});

describe(batchHash.name, () => {
  const record: NormalizedUsageRecord = { provider: 'openai', credentialId: '7', requests: 1, inputTokens: 10, outputTokens: 2 };

  it('hashes equal batches equally and tells any changed count or order apart', () => {
    const other: NormalizedUsageRecord = { ...record, provider: 'anthropic', credentialId: null };
    const hash = batchHash([record, other]);
    expect(batchHash([{ ...record }, { ...other }])).toBe(hash);
    expect(batchHash([other, record])).not.toBe(hash);
    expect(batchHash([{ ...record, outputTokens: 3 }, other])).not.toBe(hash);
    expect(batchHash([record])).not.toBe(hash);
  });
});
