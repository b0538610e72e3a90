import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../../src/server/app.factory';
import { ConsumerKeysService } from '../../../src/registry/consumer-keys/consumer-keys.service';
import type { GatewayCallRecord } from '../../../src/registry/gateway/gateway-observers';
import { GatewayObservers } from '../../../src/registry/gateway/gateway-observers';
import { RegistryMetrics } from '../../../src/registry/metrics/registry-metrics';
import { REQUEST_LOG_BUFFER_MAX, RequestLogWriter } from '../../../src/registry/request-log/request-log-writer.service';
import { RequestLogRepository } from '../../../src/registry/request-log/request-log.repository';
import { requestLogRow } from '../../../src/registry/request-log/request-log.rows';
import { RequestLogService } from '../../../src/registry/request-log/request-log.service';
import { CATALOG } from '../../../src/registry/catalog/catalog.token';
import type { Catalog } from '../../../src/registry/catalog/catalog.types';
import { testConfig } from '../../support/registry-app';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

const BOOTSTRAP = 'bootstrap-admin-token-for-request-log-tests-0123456789';
const admin = `Bearer ${BOOTSTRAP}`;
const DAY = 86_400_000;

async function bootApp(db: TestDatabase): Promise<INestApplication> {
  const app = await createApp(testConfig(db, { PORT: '0', BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP }), db.target);
  await app.init();
  return app;
}

let seq = 0;
/** A call as the gateway reports it; each a millisecond after the last unless `startedAt` says otherwise. */
function call(over: Partial<GatewayCallRecord> = {}): GatewayCallRecord {
  seq++;
  return {
    startedAt: new Date(Date.now() - 3_600_000 + seq),
    kind: 'chat',
    consumerKeyId: null,
    modelAsked: 'auto',
    stream: false,
    provider: 'openai',
    model: 'gpt-4o-mini',
    result: 'success',
    upstreamStatus: 200,
    errorCode: null,
    failedAttempts: [],
    inputTokens: 10,
    outputTokens: 5,
    latencyMs: 40,
    timeToFirstTokenMs: null,
    ...over,
  };
}

async function count(ds: DataSource, where = 'true'): Promise<number> {
  const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM request_log WHERE ${where}`)) as Array<{ n: number }>;
  return n;
}

describe('request log', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let ds: DataSource;
  let writer: RequestLogWriter;

  beforeEach(async () => {
    db = await createTestDatabase();
    app = await bootApp(db);
    ds = await db.dataSource();
    writer = app.get(RequestLogWriter);
  });

  afterEach(async () => {
    await app.close();
    await db.drop();
  });

  describe(RequestLogWriter.name, () => {
    it('is registered with the gateway observers: a reported call becomes one row at the flush', async () => {
      app.get(GatewayObservers).callEnded(call({ modelAsked: 'openai/gpt-4o-mini' }));
      expect(await count(ds)).toBe(0); // only buffered on the call's path
      await writer.flush();
      const rows = (await ds.query(`SELECT model_asked, provider, cost_nanos::text AS cost FROM request_log`)) as unknown[];
      expect(rows).toEqual([{ model_asked: 'openai/gpt-4o-mini', provider: 'openai', cost: String(10 * 150 + 5 * 600) }]);
    });

    it('stores what PostgreSQL refuses in text and jsonb (NUL, half a surrogate pair) replaced, and the calls after it too', async () => {
      const observers = app.get(GatewayObservers);
      const reason = 'HTTP 500: bad\u0000byte and \ud800 alone';
      observers.callEnded(
        call({
          modelAsked: 'gpt\u0000x',
          failedAttempts: [{ provider: 'anthropic', model: 'claude', outcome: 'error', status: 500, reason, latencyMs: 3 }],
        }),
      );
      await writer.flush();
      observers.callEnded(call({ modelAsked: 'after' }));
      await writer.flush();
      const rows = (await ds.query(
        `SELECT model_asked, failed_attempts->0->>'reason' AS reason FROM request_log ORDER BY started_at`,
      )) as unknown[];
      expect(rows).toEqual([
        { model_asked: 'gpt\uFFFDx', reason: 'HTTP 500: bad\uFFFDbyte and \uFFFD alone' },
        { model_asked: 'after', reason: null },
      ]);
      expect(writer.pendingRows()).toBe(0);
    });

    it('a failed flush keeps its rows and writes them, each exactly once, when the database is back', async () => {
      for (let i = 0; i < 30; i++) writer.callEnded(call({ latencyMs: i }));
      await ds.query(`ALTER TABLE request_log RENAME TO request_log_away`);
      await expect(writer.flush()).rejects.toThrow(/request_log/);
      await expect(writer.flush()).rejects.toThrow(/request_log/);
      for (let i = 30; i < 50; i++) writer.callEnded(call({ latencyMs: i }));
      expect(writer.pendingRows()).toBe(50);
      await ds.query(`ALTER TABLE request_log_away RENAME TO request_log`);
      await writer.flush();
      await writer.flush();
      expect(writer.pendingRows()).toBe(0);
      const latencies = ((await ds.query(`SELECT latency_ms FROM request_log ORDER BY latency_ms`)) as Array<{ latency_ms: number }>).map(
        (r) => r.latency_ms,
      );
      expect(latencies).toEqual(Array.from({ length: 50 }, (_, i) => i));
      const metrics = await app.get(RegistryMetrics).registry.getSingleMetricAsString('ai_registry_request_log_flush_failures_total');
      expect(metrics).toMatch(/ai_registry_request_log_flush_failures_total 2$/m);
    });

    it('a batch sent again after its reply was lost adds nothing: the ids were fixed when it was taken', async () => {
      const repository = app.get(RequestLogRepository);
      const rows = Array.from({ length: 20 }, () => requestLogRow(call(), app.get<Catalog>(CATALOG)));
      expect(await repository.insert(rows)).toBe(20);
      expect(await repository.insert(rows)).toBe(0);
      expect(await repository.insert([...rows.slice(0, 5), requestLogRow(call(), app.get<Catalog>(CATALOG))])).toBe(1);
      expect(await count(ds)).toBe(21);
    });

    it('past its cap drops the oldest calls, counts them, and never holds more', async () => {
      const extra = 7;
      for (let i = 0; i < REQUEST_LOG_BUFFER_MAX + extra; i++) writer.callEnded(call({ latencyMs: i }));
      expect(writer.pendingRows()).toBe(REQUEST_LOG_BUFFER_MAX);
      const dropped = await app.get(RegistryMetrics).registry.getSingleMetricAsString('ai_registry_request_log_dropped_total');
      expect(dropped).toMatch(new RegExp(`ai_registry_request_log_dropped_total ${extra}$`, 'm'));
      await writer.flush();
      const [{ n, lowest }] = (await ds.query(`SELECT count(*)::int AS n, min(latency_ms) AS lowest FROM request_log`)) as Array<{
        n: number;
        lowest: number;
      }>;
      expect({ n, lowest }).toEqual({ n: REQUEST_LOG_BUFFER_MAX, lowest: extra });
    }, 60_000);

    it('writes what is buffered once more at shutdown', async () => {
      for (let i = 0; i < 3; i++) writer.callEnded(call());
      await app.close();
      expect(await count(ds)).toBe(3);
      app = await bootApp(db); // afterEach closes it
    });
  });

  describe('pruning', () => {
    it('deletes rows older than REQUEST_LOG_DAYS in bounded batches, and nothing newer', async () => {
      const now = Date.now();
      for (let i = 0; i < 7; i++) writer.callEnded(call({ startedAt: new Date(now - 31 * DAY - i * 1000) }));
      for (let i = 0; i < 4; i++) writer.callEnded(call({ startedAt: new Date(now - 29 * DAY - i * 1000) }));
      await writer.flush();
      const service = app.get(RequestLogService);
      expect(await service.prune(2, 2)).toBe(4); // two batches of two, then the run stops
      expect(await count(ds)).toBe(7);
      expect(await service.prune(2)).toBe(3);
      expect(await service.prune(2)).toBe(0);
      expect(await count(ds)).toBe(4);
      expect(await count(ds, `started_at < now() - interval '30 days'`)).toBe(0);
    });
  });

  describe('GET /api/requests', () => {
    let alpha: string;
    const http = () => request(app.getHttpServer());
    const get = (query: string) => http().get(`/api/requests${query}`).set('Authorization', admin);

    beforeEach(async () => {
      const keys = app.get(ConsumerKeysService);
      alpha = (await keys.create({ name: 'alpha-svc' })).view.id;
      const beta = (await keys.create({ name: 'beta-svc' })).view.id;
      const base = Date.parse('2026-02-01T00:00:00Z');
      const at = (minutes: number) => new Date(base + minutes * 60_000);
      writer.callEnded(call({ startedAt: at(0), consumerKeyId: alpha }));
      writer.callEnded(
        call({
          startedAt: at(1),
          consumerKeyId: alpha,
          provider: 'anthropic',
          model: 'claude-haiku-4-5',
          stream: true,
          timeToFirstTokenMs: 120,
          failedAttempts: [
            { provider: 'openai', model: 'gpt-4o-mini', outcome: 'rate_limited', status: 429, reason: 'rate limited (429)', latencyMs: 8 },
          ],
        }),
      );
      writer.callEnded(call({ startedAt: at(2), consumerKeyId: beta, result: 'client_error', upstreamStatus: 400 }));
      writer.callEnded(
        call({
          startedAt: at(3),
          consumerKeyId: beta,
          provider: null,
          model: null,
          result: 'no_available_provider',
          upstreamStatus: null,
          errorCode: 'NO_AVAILABLE_PROVIDER',
          inputTokens: null,
          outputTokens: null,
        }),
      );
      writer.callEnded(call({ startedAt: at(4), kind: 'embeddings', model: 'text-embedding-3-small', outputTokens: null }));
      // Same started_at: the id orders them, and paging must neither skip nor repeat one.
      for (let i = 0; i < 3; i++) writer.callEnded(call({ startedAt: at(5), latencyMs: 500 + i }));
      await writer.flush();
    });

    it('lists newest first with the key’s name, the attempts and why each failed; never a key', async () => {
      const res = await get('').expect(200);
      expect(res.body.data).toHaveLength(8);
      expect(res.body.meta).toMatchObject({ limit: 50, nextCursor: null });
      const times = res.body.data.map((r: { startedAt: string }) => r.startedAt);
      expect(times).toEqual([...times].sort().reverse());
      const fallback = res.body.data.find((r: { provider: string }) => r.provider === 'anthropic');
      expect(fallback).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        startedAt: '2026-02-01T00:01:00.000Z',
        kind: 'chat',
        keyId: alpha,
        keyName: 'alpha-svc',
        modelAsked: 'auto',
        stream: true,
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
        result: 'success',
        status: 200,
        errorCode: null,
        attempts: [
          { provider: 'openai', model: 'gpt-4o-mini', outcome: 'rate_limited', status: 429, reason: 'rate limited (429)', latencyMs: 8 },
        ],
        inputTokens: 10,
        outputTokens: 5,
        costUsd: '0.000035',
        latencyMs: 40,
        timeToFirstTokenMs: 120,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/sk-reg-|key_hash|keyHash/);
    });

    it('filters by key (name or id), provider, model, result, status and time', async () => {
      const ids = async (query: string) => ((await get(query).expect(200)).body.data as Array<{ startedAt: string }>).length;
      expect(await ids('?key=alpha-svc')).toBe(2);
      expect(await ids(`?key=${alpha}`)).toBe(2);
      expect(await ids('?key=beta-svc')).toBe(2);
      expect(await ids('?key=nobody')).toBe(0);
      expect(await ids('?provider=anthropic')).toBe(1);
      expect(await ids('?model=text-embedding-3-small')).toBe(1);
      expect(await ids('?result=no_available_provider')).toBe(1);
      expect(await ids('?status=400')).toBe(1);
      expect(await ids('?status=200&provider=openai')).toBe(5);
      expect(await ids('?from=2026-02-01T00:02:00Z&to=2026-02-01T00:05:00Z')).toBe(3);
      expect(await ids('?key=beta-svc&result=client_error&status=400')).toBe(1);
    });

    it('pages by an opaque cursor of (started_at, id): every row once, in order, up to limit', async () => {
      const all = (await get('').expect(200)).body.data.map((r: { id: string }) => r.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await get(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        expect(res.body.data.length).toBeLessThanOrEqual(3);
        seen.push(...res.body.data.map((r: { id: string }) => r.id));
        cursor = res.body.meta.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
      const filtered = await get('?provider=openai&limit=2').expect(200);
      const next = await get(`?provider=openai&limit=2&cursor=${filtered.body.meta.nextCursor}`).expect(200);
      expect(next.body.data.every((r: { provider: string }) => r.provider === 'openai')).toBe(true);
    });

    it('refuses bad input with 400 naming the field', async () => {
      for (const [query, field] of [
        ['?limit=201', 'limit'],
        ['?status=abc', 'status'],
        ['?status=99', 'status'],
        ['?result=fine', 'result'],
        ['?from=yesterday', 'from'],
        ['?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ]) {
        const res = await get(query);
        expect([query, res.status]).toEqual([query, 400]);
        expect(JSON.stringify(res.body)).toContain(field);
      }
      await http().get('/api/requests').expect(401);
    });
  });
});
