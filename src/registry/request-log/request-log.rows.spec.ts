import type { Catalog } from '../catalog/catalog.types';
import type { GatewayCallRecord } from '../gateway/gateway-observers';
import { decodeRequestCursor, encodeRequestCursor } from './request-log-cursor';
import { requestLogRow } from './request-log.rows';
import { timeOrderedId } from './time-ordered-id';

const catalog = {
  providers: new Map([
    ['openai', { textModels: [{ id: 'gpt-4o-mini', price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } }], embeddingModels: [] }],
  ]),
} as unknown as Catalog;

const record = (over: Partial<GatewayCallRecord> = {}): GatewayCallRecord => ({
  startedAt: new Date('2026-03-01T12:00:00.123Z'),
  kind: 'chat',
  consumerKeyId: '7',
  modelAsked: 'auto',
  stream: false,
  provider: 'openai',
  model: 'gpt-4o-mini',
  result: 'success',
  upstreamStatus: 200,
  errorCode: null,
  failedAttempts: [],
  inputTokens: 1000,
  outputTokens: 100,
  latencyMs: 12.7,
  timeToFirstTokenMs: null,
  ...over,
});

describe(requestLogRow.name, () => {
  it('prices the answer by the catalog, in billionths of a USD (0 without a price or tokens)', () => {
    expect(requestLogRow(record(), catalog).costNanos).toBe(1000n * 150n + 100n * 600n);
    expect(requestLogRow(record({ model: 'not-in-catalog' }), catalog).costNanos).toBe(0n);
    expect(requestLogRow(record({ provider: null, model: null, inputTokens: null }), catalog).costNanos).toBe(0n);
  });

  it('copies only the known fields of each attempt, reasons cut, and keeps counts in their columns', () => {
    const attempt = {
      provider: 'anthropic',
      model: 'claude',
      outcome: 'error' as const,
      status: 500,
      reason: 'x'.repeat(900),
      latencyMs: 3.4,
    };
    const row = requestLogRow(
      record({ failedAttempts: [{ ...attempt, apiKey: 'sk-secret' } as typeof attempt], inputTokens: 1e12, modelAsked: 'm'.repeat(500) }),
      catalog,
    );
    expect(row.failedAttempts).toEqual([{ ...attempt, reason: 'x'.repeat(500), latencyMs: 3 }]);
    expect(JSON.stringify({ ...row, costNanos: String(row.costNanos) })).not.toContain('sk-secret');
    expect(row.inputTokens).toBe(2_147_483_647);
    expect(row.modelAsked).toHaveLength(200);
    expect(row.latencyMs).toBe(13);
  });

  it('gives each row a version 7 UUID beginning with its start time', () => {
    const row = requestLogRow(record(), catalog);
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(row.id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2026-03-01T12:00:00.123Z'));
    expect(timeOrderedId(1) < timeOrderedId(2)).toBe(true);
    // Ids of the same millisecond differ in their 74 random bits.
    expect(new Set(Array.from({ length: 10_000 }, () => timeOrderedId(5))).size).toBe(10_000);
  });
});

describe('request log cursor', () => {
  it('round-trips (started_at in microseconds, id) and refuses anything else', () => {
    const position = { startedMicros: '1772366400123456', id: timeOrderedId() };
    expect(decodeRequestCursor(encodeRequestCursor(position))).toEqual(position);
    for (const bad of [
      '',
      'abc',
      Buffer.from('12.not-a-uuid').toString('base64url'),
      Buffer.from(`x.${position.id}`).toString('base64url'),
    ]) {
      expect(() => decodeRequestCursor(bad)).toThrow('cursor: is not a cursor this API gave out');
    }
  });
});
