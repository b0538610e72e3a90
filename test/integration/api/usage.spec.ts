import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../../../src/server/app.factory';
import { ApiTokensService } from '../../../src/server/auth/api-tokens.service';
import { MAX_BATCH_RECORDS } from '../../../src/registry/usage/usage-input.rules';
import { LEDGER_RETENTION_MS } from '../../../src/registry/usage/usage-pruner';
import { UsageService } from '../../../src/registry/usage/usage.service';
import { UsageRepository } from '../../../src/registry/usage/usage.repository';
import { testConfig } from '../../support/registry-app';
import { waitFor } from '../../support/server-process';
import { TestApp, startTestApp } from '../../support/test-app';
import { TestDatabase, describeOnRealPostgres } from '../../support/test-database';

const BOOTSTRAP = 'bootstrap-admin-token-for-usage-tests-0123456789';
const admin = `Bearer ${BOOTSTRAP}`;

/** Every usage counter and the number of ledger rows, as one comparable string. */
async function usageState(db: TestDatabase): Promise<string> {
  const dataSource = await db.dataSource();
  const [row] = await dataSource.query(
    `SELECT (SELECT string_agg(provider || '=' || usage_count, ',' ORDER BY provider) FROM provider_configs WHERE usage_count <> 0) AS providers,
            (SELECT string_agg(id || '=' || usage_count || '/' || input_tokens || '/' || output_tokens, ',' ORDER BY id) FROM ai_credentials) AS credentials,
            (SELECT count(*)::int FROM usage_flushes) AS ledger`,
  );
  return JSON.stringify(row);
}

async function providerCount(db: TestDatabase, provider: string): Promise<string> {
  const [row] = await (await db.dataSource()).query(`SELECT usage_count::text AS n FROM provider_configs WHERE provider = $1`, [provider]);
  return row.n;
}

describe('REST API: usage', () => {
  let testApp: TestApp | undefined;
  let db: TestDatabase;
  let app: INestApplication;
  let viewer: string;
  let openaiCredential: string;
  let anthropicCredential: string;
  const http = () => request(app.getHttpServer());
  const post = (key: string | undefined, body: unknown, authorization = admin) => {
    const call = http().post('/api/usage').set('Authorization', authorization);
    if (key !== undefined) void call.set('Idempotency-Key', key);
    return call.send(body as object);
  };

  beforeAll(async () => {
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP });
    ({ db, app } = testApp);
    viewer = (await app.get(ApiTokensService).create('dashboard', 'viewer')).token;
    const store = async (provider: string, apiKey: string) =>
      (await http().post(`/api/providers/${provider}/credentials`).set('Authorization', admin).send({ apiKey }).expect(201)).body.data
        .id as string;
    openaiCredential = await store('openai', 'sk-proj-Usage0123456789abcdefghij');
    anthropicCredential = await store('anthropic', 'sk-ant-api03-Usage0123456789abcdef');
  });

  afterAll(() => testApp?.close());

  it('counts a batch in the database at once (nothing left pending), per provider and per credential', async () => {
    const answer = await post('batch-1', {
      records: [
        { provider: 'openai', credentialId: openaiCredential, requests: 2, inputTokens: 100, outputTokens: 40 },
        { provider: 'openai', credentialId: openaiCredential, inputTokens: 5 },
        { provider: 'anthropic' },
      ],
    }).expect(200);
    expect(answer.body).toEqual({ data: { accepted: 3, duplicate: false }, meta: {}, status: 'success', message: 'OK' });

    const usage = (await http().get('/api/usage').set('Authorization', `Bearer ${viewer}`).expect(200)).body;
    expect(usage.data.providers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'openai', usageCount: '3', pending: '0' }),
        expect.objectContaining({ provider: 'anthropic', usageCount: '1', pending: '0' }),
      ]),
    );
    expect(usage.data.credentials).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: openaiCredential,
          provider: 'openai',
          usageCount: '3',
          inputTokens: '105',
          outputTokens: '40',
          pending: { requests: '0', inputTokens: '0', outputTokens: '0' },
        }),
        expect.objectContaining({ id: anthropicCredential, usageCount: '0' }),
      ]),
    );
    expect(usage.meta).toEqual({ pendingEntries: 0, pendingRequests: '0' });
  });

  it('counts a retried batch (same key, same records) once and says it was a duplicate that counted nothing', async () => {
    const body = { records: [{ provider: 'ollama', requests: 7 }] };
    expect((await post('retry-me', body).expect(200)).body.data).toEqual({ accepted: 1, duplicate: false });
    const after = await usageState(db);
    expect((await post('retry-me', body).expect(200)).body.data).toEqual({ accepted: 0, duplicate: true });
    // The same batch spelled differently (defaults written out) is the same batch.
    expect((await post('retry-me', { records: [{ provider: 'ollama', requests: 7, inputTokens: 0 }] }).expect(200)).body.data).toEqual({
      accepted: 0,
      duplicate: true,
    });
    expect(await usageState(db)).toBe(after);
    expect(await providerCount(db, 'ollama')).toBe('7');
  });

  it('refuses a key reused for other records with 422 and counts neither again', async () => {
    await post('reused', { records: [{ provider: 'ollama', requests: 1 }] }).expect(200);
    const before = await usageState(db);
    const reused = await post('reused', { records: [{ provider: 'ollama', requests: 2 }] }).expect(422);
    expect(reused.body).toMatchObject({ status: 'error', data: null, meta: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await usageState(db)).toBe(before);
  });

  it('refuses bad batches with 400 (or 404 for what does not exist), naming the field, and writes nothing', async () => {
    const before = await usageState(db);
    const cases: Array<[string | undefined, unknown, number, string]> = [
      [undefined, { records: [{ provider: 'openai' }] }, 400, 'Idempotency-Key'],
      ['k'.repeat(201), { records: [{ provider: 'openai' }] }, 400, 'Idempotency-Key'],
      ['caf\u00e9', { records: [{ provider: 'openai' }] }, 400, 'Idempotency-Key'],
      ['bad-1', { records: [{ provider: 'openai' }], extra: true }, 400, 'extra'],
      ['bad-2', { records: [{ provider: 'openai', cost: 3 }] }, 400, 'records.0.cost'],
      ['bad-3', { records: [{ provider: 'openai' }, { provider: 'openai', requests: -1 }] }, 400, 'records.1.requests'],
      ['bad-4', { records: [{ provider: 'openai', inputTokens: 1.5 }] }, 400, 'records.0.inputTokens'],
      ['bad-5', { records: [{ provider: 'openai', outputTokens: '10' }] }, 400, 'records.0.outputTokens'],
      ['bad-6', { records: [{ provider: 'openai', requests: 2_147_483_648 }] }, 400, 'records.0.requests'],
      ['bad-7', { records: [{ provider: 'openai', credentialId: 42 }] }, 400, 'records.0.credentialId'],
      ['bad-8', { records: [{ provider: 'openai', credentialId: '9223372036854775808' }] }, 400, 'records.0.credentialId'],
      ['bad-9', { records: Array.from({ length: MAX_BATCH_RECORDS + 1 }, () => ({ provider: 'openai' })) }, 400, 'records'],
      ['bad-10', { records: [] }, 400, 'records'],
      ['bad-11', { records: { provider: 'openai' } }, 400, 'records'],
      ['bad-12', {}, 400, 'records'],
      ['bad-13', { records: [{ provider: 'p'.repeat(256) }] }, 400, 'records.0.provider'],
      ['bad-13b', { records: [{ provider: 'open\u0000ai' }] }, 400, 'records.0.provider'],
      // A name that could be a legacy row's is looked up (in the snapshot, never in SQL text), and is simply not there.
      ['bad-13c', { records: [{ provider: "x'; DROP TABLE usage_flushes;--" }] }, 404, ''],
      ['bad-14', { records: [{ provider: 'openai' }, { provider: 'no-such-provider' }] }, 404, ''],
      // Usage per consumer key is what the gateway saw its callers use: a batch cannot name one.
      ['bad-14b', { records: [{ provider: 'openai', consumerKeyId: '1' }] }, 400, 'records.0.consumerKeyId'],
      ['bad-15', { records: [{ provider: 'openai', credentialId: '999999' }] }, 404, ''],
      // Another provider's credential: its usage would be counted under the wrong provider.
      ['bad-16', { records: [{ provider: 'openai', credentialId: anthropicCredential }] }, 404, ''],
      [
        'bad-17',
        {
          records: [
            { provider: 'openai', credentialId: openaiCredential },
            { provider: 'anthropic', credentialId: openaiCredential },
          ],
        },
        400,
        'records',
      ],
    ];
    for (const [key, body, status, field] of cases) {
      const response = await post(key, body);
      expect({ key, status: response.status }).toEqual({ key, status });
      expect(response.body).toMatchObject({ status: 'error', data: null });
      if (status === 400)
        expect({ key, fields: response.body.errors.map((e: { field: string }) => e.field) }).toEqual({
          key,
          fields: expect.arrayContaining([field]),
        });
      expect(JSON.stringify(response.body)).not.toMatch(/QueryFailedError|at .*\.ts:\d+|syntax error/);
    }
    expect(await usageState(db)).toBe(before);

    // A refused batch does not use up its key: sent again, fixed, it is counted.
    expect((await post('bad-15', { records: [{ provider: 'openai', credentialId: openaiCredential }] }).expect(200)).body.data).toEqual({
      accepted: 1,
      duplicate: false,
    });
  });

  it('lets only admin tokens write usage; viewers read it', async () => {
    const before = await usageState(db);
    const forbidden = await post('viewer-1', { records: [{ provider: 'openai' }] }, `Bearer ${viewer}`).expect(403);
    expect(forbidden.body).toMatchObject({ status: 'error', meta: { code: 'FORBIDDEN' } });
    await post('anonymous', { records: [{ provider: 'openai' }] }, 'Bearer reg_unknown-token-value-of-the-right-length-00000').expect(401);
    await http().get('/api/usage').expect(401);
    expect(await usageState(db)).toBe(before);
  });

  it('refuses a batch the bigint counters cannot hold (422) and writes none of it, its key left unused', async () => {
    const dataSource = await db.dataSource();
    await dataSource.query(`UPDATE ai_credentials SET usage_count = 9223372036854775806 WHERE id = $1`, [anthropicCredential]);
    const before = await usageState(db);
    const body = { records: [{ provider: 'anthropic', credentialId: anthropicCredential, requests: 5 }] };
    const refused = await post('overflow', body).expect(422);
    expect(refused.body).toMatchObject({ status: 'error', meta: { code: 'USAGE_OUT_OF_RANGE' } });
    expect(JSON.stringify(refused.body)).not.toMatch(/QueryFailedError|UPDATE|out of range|22003/);
    expect(await usageState(db)).toBe(before);
    // Exact past 2^53: the count comes back as the decimal string the column holds.
    const listed = (await http().get('/api/usage').set('Authorization', admin).expect(200)).body.data.credentials;
    expect(listed).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: anthropicCredential, usageCount: '9223372036854775806' })]),
    );

    await dataSource.query(`UPDATE ai_credentials SET usage_count = 0 WHERE id = $1`, [anthropicCredential]);
    expect((await post('overflow', body).expect(200)).body.data).toEqual({ accepted: 1, duplicate: false });
  });

  it('remembers a key for the ledger retention of 24 h: a retry just inside it is still a duplicate', async () => {
    const body = { records: [{ provider: 'openrouter', requests: 4 }] };
    await post('day-old', body).expect(200);
    const dataSource = await db.dataSource();
    await dataSource.query(`UPDATE usage_flushes SET flushed_at = now() - interval '23 hours 59 minutes' WHERE batch_hash IS NOT NULL`);
    expect(LEDGER_RETENTION_MS).toBeGreaterThanOrEqual(24 * 3_600_000);
    await app.get(UsageRepository).pruneFlushes(LEDGER_RETENTION_MS);
    expect((await post('day-old', body).expect(200)).body.data).toEqual({ accepted: 0, duplicate: true });
    expect(await providerCount(db, 'openrouter')).toBe('4');
  });

  it('shows what this instance has pending next to what is flushed', async () => {
    const usage = app.get(UsageService);
    const flushedBefore = await providerCount(db, 'openai');
    usage.record('openai', { requests: 3, inputTokens: 30, credentialId: openaiCredential });
    const pending = (await http().get('/api/usage').set('Authorization', `Bearer ${viewer}`).expect(200)).body;
    expect(pending.meta).toEqual({ pendingEntries: 2, pendingRequests: '3' });
    expect(pending.data.providers).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'openai', usageCount: flushedBefore, pending: '3' })]),
    );
    expect(pending.data.credentials).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: openaiCredential, pending: { requests: '3', inputTokens: '30', outputTokens: '0' } }),
      ]),
    );

    await usage.flush();
    const flushed = (await http().get('/api/usage').set('Authorization', `Bearer ${viewer}`).expect(200)).body;
    expect(flushed.meta).toEqual({ pendingEntries: 0, pendingRequests: '0' });
    expect(flushed.data.providers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'openai', usageCount: (BigInt(flushedBefore) + 3n).toString(), pending: '0' }),
      ]),
    );
  });

  describeOnRealPostgres('on two instances', 'needs several database sessions (two apps, a lock held from outside)', () => {
    let other: INestApplication;
    let outside: Client;

    beforeAll(async () => {
      // A second instance on the first one's database (which the first one's close() drops).
      other = await createApp(testConfig(db, { PORT: '0', BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP }), db.target);
      outside = new Client({ connectionString: db.url });
      await outside.connect();
    });

    afterAll(async () => {
      await outside?.end();
      await other?.close();
    });

    const postTo = (target: INestApplication, key: string, body: unknown) =>
      request(target.getHttpServer())
        .post('/api/usage')
        .set('Authorization', admin)
        .set('Idempotency-Key', key)
        .send(body as object);

    it('counts a batch once when it is retried on the other instance', async () => {
      const body = { records: [{ provider: 'anthropic', requests: 11 }] };
      const before = BigInt(await providerCount(db, 'anthropic'));
      expect((await postTo(app, 'cross-1', body).expect(200)).body.data).toEqual({ accepted: 1, duplicate: false });
      expect((await postTo(other, 'cross-1', body).expect(200)).body.data).toEqual({ accepted: 0, duplicate: true });
      expect(await providerCount(db, 'anthropic')).toBe((before + 11n).toString());
      await postTo(other, 'cross-1', { records: [{ provider: 'anthropic', requests: 12 }] }).expect(422);
    });

    it('counts a batch once when both instances get it at the same time', async () => {
      const body = { records: [{ provider: 'openrouter', requests: 5 }] };
      const before = BigInt(await providerCount(db, 'openrouter'));
      // Holding the provider's row makes the first attempt wait inside its transaction, key claimed; the
      // second must then wait on the key itself, not read past it.
      await outside.query('BEGIN');
      await outside.query(`SELECT 1 FROM provider_configs WHERE provider = 'openrouter' FOR UPDATE`);
      const first = postTo(app, 'both-at-once', body).then((r) => r);
      const second = postTo(other, 'both-at-once', body).then((r) => r);
      await waitFor(
        'both attempts to wait on a lock',
        async () => {
          const [row] = (
            await outside.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event IN ('transactionid', 'tuple')`,
            )
          ).rows;
          return row.n === 2 ? true : undefined;
        },
        30_000,
      );
      await outside.query('COMMIT');
      const answers = (await Promise.all([first, second])).map((r) => ({ status: r.status, data: r.body.data }));
      expect(answers).toEqual(
        expect.arrayContaining([
          { status: 200, data: { accepted: 1, duplicate: false } },
          { status: 200, data: { accepted: 0, duplicate: true } },
        ]),
      );
      expect(await providerCount(db, 'openrouter')).toBe((before + 5n).toString());
    });
  });
});
