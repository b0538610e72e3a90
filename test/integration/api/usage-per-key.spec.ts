import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../../src/server/app.factory';
import { formatUsd } from '../../../src/registry/catalog/prices';
import { ConsumerKeysService } from '../../../src/registry/consumer-keys/consumer-keys.service';
import { UsageBuffer } from '../../../src/registry/usage/usage-buffer';
import { sortedDeltas } from '../../../src/registry/usage/usage-tally';
import { UsageRepository } from '../../../src/registry/usage/usage.repository';
import { UsageService } from '../../../src/registry/usage/usage.service';
import type { UsageRecord } from '../../../src/registry/usage/usage.types';
import type { CallOutcome } from '../../../src/registry/kernel/call-outcomes';
import { testConfig } from '../../support/registry-app';
import { TestApp, startTestApp } from '../../support/test-app';
import { TestDatabase, createTestDatabase, describeOnRealPostgres } from '../../support/test-database';

const BOOTSTRAP = 'bootstrap-admin-token-for-key-usage-tests-0123456789';
const admin = `Bearer ${BOOTSTRAP}`;

/** One of several instances on the same database (startTestApp's app has a database of its own). */
function bootApp(db: TestDatabase, env: Record<string, string>): Promise<INestApplication> {
  return createApp(testConfig(db, { PORT: '0', BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP, ...env }), db.target);
}

/** One gateway attempt as PlanWalker records it: one request, the tokens the upstream reported, the key it was made with. */
function gatewayAttempt(
  usage: UsageService,
  provider: string,
  model: string,
  consumerKeyId: string | undefined,
  tokens: { inputTokens?: number; outputTokens?: number },
  outcome: CallOutcome = 'success',
): void {
  const record: UsageRecord = { requests: 1, inputTokens: 0, outputTokens: 0, ...tokens, model, outcome, latencyMs: 12 };
  if (consumerKeyId !== undefined) record.consumerKeyId = consumerKeyId;
  usage.record(provider, record);
}

function spendOf(app: INestApplication, query: string) {
  return request(app.getHttpServer()).get(`/api/usage?${query}`).set('Authorization', admin).expect(200);
}

/** The catalog's list prices in billionths of a USD per token (USD per million tokens × 1,000): input, output. */
const NANOS_PER_TOKEN: Record<string, [bigint, bigint]> = {
  'gpt-4o': [2500n, 10_000n],
  'gpt-4o-mini': [150n, 600n],
  'claude-haiku-4-5': [1000n, 5000n],
};

describe('GET /api/usage?groupBy=key: usage and spend per consumer key', () => {
  let testApp: TestApp | undefined;
  let app: INestApplication;
  let alpha: string;
  let beta: string;

  beforeAll(async () => {
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP });
    app = testApp.app;
    const keys = app.get(ConsumerKeysService);
    alpha = (await keys.create({ name: 'alpha-svc' })).view.id;
    beta = (await keys.create({ name: 'beta-svc', models: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'] })).view.id;
  });

  afterAll(() => testApp?.close());

  it('answers requests, tokens and spend per key and model, naming each key, with the usage without a key beside them', async () => {
    const usage = app.get(UsageService);
    gatewayAttempt(usage, 'openai', 'gpt-4o', alpha, { inputTokens: 1000, outputTokens: 100 });
    gatewayAttempt(usage, 'openai', 'gpt-4o', alpha, { inputTokens: 1000, outputTokens: 100 });
    // An attempt that failed before an answer: a request, no tokens.
    gatewayAttempt(usage, 'openai', 'gpt-4o', alpha, {}, 'error');
    gatewayAttempt(usage, 'openai', 'gpt-4o-mini', beta, { inputTokens: 1000, outputTokens: 1000 });
    gatewayAttempt(usage, 'anthropic', 'claude-haiku-4-5', beta, { inputTokens: 1000, outputTokens: 200 });
    // The in-process adapter and other hosts record without a key.
    gatewayAttempt(usage, 'openai', 'gpt-4o', undefined, { inputTokens: 1000 });
    usage.record('ollama');

    // Reports read what is flushed.
    expect((await spendOf(app, 'groupBy=key,model')).body.data.spend.rows).toEqual([]);
    await usage.flush();

    const byKeyAndModel = (await spendOf(app, 'groupBy=key,model')).body.data.spend;
    expect(byKeyAndModel).toMatchObject({ groupBy: ['key', 'model'], totalUsd: '0.012250' });
    expect(byKeyAndModel.rows).toEqual([
      // 2,000 input tokens at $2.50 per million and 200 output tokens at $10 per million.
      { keyId: alpha, keyName: 'alpha-svc', model: 'gpt-4o', requests: '3', inputTokens: '2000', outputTokens: '200', costUsd: '0.007000' },
      { keyId: '0', keyName: '', model: 'gpt-4o', requests: '1', inputTokens: '1000', outputTokens: '0', costUsd: '0.002500' },
      {
        keyId: beta,
        keyName: 'beta-svc',
        model: 'claude-haiku-4-5',
        requests: '1',
        inputTokens: '1000',
        outputTokens: '200',
        costUsd: '0.002000',
      },
      {
        keyId: beta,
        keyName: 'beta-svc',
        model: 'gpt-4o-mini',
        requests: '1',
        inputTokens: '1000',
        outputTokens: '1000',
        costUsd: '0.000750',
      },
      { keyId: '0', keyName: '', model: null, requests: '1', inputTokens: '0', outputTokens: '0', costUsd: '0.000000' },
    ]);

    expect((await spendOf(app, 'groupBy=key')).body.data.spend.rows).toEqual([
      { keyId: alpha, keyName: 'alpha-svc', requests: '3', inputTokens: '2000', outputTokens: '200', costUsd: '0.007000' },
      { keyId: beta, keyName: 'beta-svc', requests: '2', inputTokens: '2000', outputTokens: '1200', costUsd: '0.002750' },
      { keyId: '0', keyName: '', requests: '2', inputTokens: '1000', outputTokens: '0', costUsd: '0.002500' },
    ]);
    // The other groupings are not split by key: per provider it is what it was.
    expect((await spendOf(app, 'groupBy=provider')).body.data.spend.rows).toEqual([
      { provider: 'openai', requests: '5', inputTokens: '4000', outputTokens: '1200', costUsd: '0.010250' },
      { provider: 'anthropic', requests: '1', inputTokens: '1000', outputTokens: '200', costUsd: '0.002000' },
      { provider: 'ollama', requests: '1', inputTokens: '0', outputTokens: '0', costUsd: '0.000000' },
    ]);
    expect((await spendOf(app, 'groupBy=key,provider&provider=anthropic')).body.data.spend.rows).toEqual([
      {
        keyId: beta,
        keyName: 'beta-svc',
        provider: 'anthropic',
        requests: '1',
        inputTokens: '1000',
        outputTokens: '200',
        costUsd: '0.002000',
      },
    ]);
  });

  it('keeps naming a key after it is revoked: its usage stays its own', async () => {
    await app.get(ConsumerKeysService).revoke('alpha-svc');
    const rows = (await spendOf(app, 'groupBy=key')).body.data.spend.rows;
    expect(rows).toContainEqual(expect.objectContaining({ keyId: alpha, keyName: 'alpha-svc', requests: '3' }));
  });

  it('refuses an unknown grouping, naming every one it takes, and says so in the OpenAPI document', async () => {
    const refused = await request(app.getHttpServer()).get('/api/usage?groupBy=keys').set('Authorization', admin).expect(400);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ field: 'groupBy', message: 'groupBy must list some of provider, model, credential, key, day' }),
    ]);
    await request(app.getHttpServer()).get('/api/usage?groupBy=provider,model,credential,key,day').set('Authorization', admin).expect(200);
    const document = (await request(app.getHttpServer()).get('/api/docs-json').expect(200)).body;
    const groupBy = document.paths['/api/usage'].get.parameters.find((p: { name: string }) => p.name === 'groupBy');
    expect(groupBy.description).toContain('provider, model, credential, key, day');
    expect(groupBy.description).toContain('keyName');
  });

  describeOnRealPostgres('on two instances', 'needs several database sessions (two apps flushing at once)', () => {
    const RECORDS_PER_INSTANCE = 6000;
    const BURST = 50;
    const MODELS: Array<[string, string]> = [
      ['openai', 'gpt-4o'],
      ['openai', 'gpt-4o-mini'],
      ['anthropic', 'claude-haiku-4-5'],
    ];

    it('counts every key exactly once while both record and flush at the same time, a flush retried across them included', async () => {
      // Two fresh instances flushing every 10 ms, on a database of their own, so the totals are this test's alone.
      const own = await createTestDatabase();
      const instances = [await bootApp(own, { USAGE_FLUSH_MS: '10' }), await bootApp(own, { USAGE_FLUSH_MS: '10' })];
      try {
        const ownKeys = instances[0].get(ConsumerKeysService);
        const ids = [
          (await ownKeys.create({ name: 'gamma-svc' })).view.id,
          (await ownKeys.create({ name: 'delta-svc' })).view.id,
          undefined,
        ];
        const expected = new Map<string, { requests: bigint; inputTokens: bigint; outputTokens: bigint; costNanos: bigint }>();
        const attempt = (n: number, i: number) => {
          const key = ids[i % ids.length];
          const [provider, model] = MODELS[Math.floor(i / ids.length) % MODELS.length];
          const inputTokens = 1 + ((i * 7 + n) % 13);
          const outputTokens = (i * 3 + n) % 11;
          const row = `${key ?? '0'}/${model}`;
          const sums = expected.get(row) ?? { requests: 0n, inputTokens: 0n, outputTokens: 0n, costNanos: 0n };
          const [inPrice, outPrice] = NANOS_PER_TOKEN[model];
          expected.set(row, {
            requests: sums.requests + 1n,
            inputTokens: sums.inputTokens + BigInt(inputTokens),
            outputTokens: sums.outputTokens + BigInt(outputTokens),
            costNanos: sums.costNanos + BigInt(inputTokens) * inPrice + BigInt(outputTokens) * outPrice,
          });
          return () => gatewayAttempt(instances[n].get(UsageService), provider, model, key, { inputTokens, outputTokens });
        };
        // Both record in small bursts over a few hundred milliseconds while each one's 10 ms flusher keeps draining it.
        const ledgerBefore = Number((await (await own.dataSource()).query(`SELECT count(*)::int AS n FROM usage_flushes`))[0].n);
        await Promise.all(
          instances.map(async (_, n) => {
            for (let i = 0; i < RECORDS_PER_INSTANCE; i++) {
              attempt(n, i)();
              if (i % BURST === BURST - 1) await new Promise((resolve) => setTimeout(resolve, 1 + ((i / BURST) % 3)));
            }
          }),
        );
        const flushes = Number((await (await own.dataSource()).query(`SELECT count(*)::int AS n FROM usage_flushes`))[0].n) - ledgerBefore;
        // Many flushes of both ran while records arrived (each is one ledger row).
        expect(flushes).toBeGreaterThan(10);

        // A flush in doubt (as when its COMMIT's reply is lost): the instance holds the batch, which is sent by both
        // instances at once and by the instance's own flushes (its 10 ms one included) until it is known to be written.
        for (let i = 0; i < 300; i++) attempt(0, RECORDS_PER_INSTANCE + i)();
        const buffer = instances[0].get(UsageBuffer);
        const held = buffer.holdTallied()!;
        const send = (instance: INestApplication) =>
          instance.get(UsageRepository).applyFlush(held.id, sortedDeltas(held.providers), sortedDeltas(held.credentials), held.calls);
        const sent = await Promise.all([send(instances[0]), send(instances[1]), instances[0].get(UsageService).flush()]);
        expect(sent.filter((outcome) => outcome?.applied === true).length).toBeLessThanOrEqual(1);
        expect(buffer.heldBatch()).toBeUndefined();

        await Promise.all(instances.map((instance) => instance.get(UsageService).flush()));
        for (const instance of instances) expect(instance.get(UsageService).pendingUsage()).toEqual({ entries: 0, requests: 0n });

        const names = new Map([
          [ids[0]!, 'gamma-svc'],
          [ids[1]!, 'delta-svc'],
        ]);
        const want = [...expected].map(([row, sums]) => {
          const [keyId, model] = row.split('/');
          return {
            keyId,
            keyName: names.get(keyId) ?? '',
            model,
            requests: sums.requests.toString(),
            inputTokens: sums.inputTokens.toString(),
            outputTokens: sums.outputTokens.toString(),
            costUsd: formatUsd(sums.costNanos),
          };
        });
        const order = (rows: Array<{ keyId: string; model: string }>) =>
          [...rows].sort((a, b) => a.keyId.localeCompare(b.keyId) || a.model.localeCompare(b.model));
        // Either instance answers the same: the sums are in the database, not in either process.
        for (const instance of instances) {
          const spend = (await spendOf(instance, 'groupBy=key,model')).body.data.spend;
          expect(order(spend.rows)).toEqual(order(want));
          expect(spend.rows).toHaveLength(ids.length * MODELS.length);
        }
        const total = [...expected.values()].reduce((sum, s) => sum + s.requests, 0n);
        expect(total).toBe(BigInt(2 * RECORDS_PER_INSTANCE + 300));
        const dataSource = await own.dataSource();
        const [stored] = await dataSource.query(`SELECT sum(requests)::text AS requests FROM usage_daily`);
        expect(stored.requests).toBe(total.toString());
      } finally {
        for (const instance of instances) await instance.close();
        await own.drop();
      }
    });
  });
});
