import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TestApp, startTestApp } from '../../support/test-app';

const BOOTSTRAP = 'bootstrap-admin-token-for-hostile-input-0123456';
const admin = { Authorization: `Bearer ${BOOTSTRAP}` };

/** `{"x":[[[…]]]}` nested `levels` deep, as raw JSON (supertest would stringify an object recursively). */
function deepBody(fields: string, levels: number): string {
  return `{${fields}"x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

/** The request shapes of issue 24 that answered 500: each must be a 400 naming the field and rule. */
describe('Hostile input (issue 24)', () => {
  let testApp: TestApp | undefined;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP });
    app = testApp.app;
  });

  afterAll(() => testApp?.close());

  async function expect400(call: request.Test, field: string, rule?: string): Promise<void> {
    const response = await call;
    expect({ status: response.status, body: response.body }).toMatchObject({
      status: 400,
      body: { status: 'error', meta: { code: expect.any(String) } },
    });
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, ...(rule ? { rule } : {}) })]));
  }

  it('refuses a deeply nested body with 400 before anything recursive runs', async () => {
    const routes: Array<[method: 'post' | 'patch', url: string, fields: string]> = [
      ['post', '/api/models/select', '"modelType":"text",'],
      ['patch', '/api/providers/openai', ''],
      ['post', '/api/providers/openai/credentials', ''],
      ['patch', '/api/providers/openai/credentials/1', ''],
      ['post', '/api/catalog/sync', ''],
      ['post', '/api/usage', ''],
    ];
    for (const [method, url, fields] of routes) {
      const call = http()[method](url).set(admin).set('Content-Type', 'application/json').set('Idempotency-Key', 'deep-1');
      await expect400(call.send(deepBody(fields, 1350)), 'body', 'max-depth');
    }
    // Deep, but inside the bound: the DTO rules answer (an unknown field), not the depth check.
    const shallow = await http().post('/api/models/select').set(admin).set('Content-Type', 'application/json').send(deepBody('', 8));
    expect(shallow.status).toBe(400);
    expect(shallow.body.errors.map((e: { rule: string }) => e.rule)).not.toContain('max-depth');
  });

  it('refuses a path that is not valid percent-encoding with 400 in the format of its edge, with the security headers', async () => {
    const api = await http().get('/api/providers/%zz').set(admin);
    expect({ status: api.status, body: api.body }).toMatchObject({
      status: 400,
      body: { status: 'error', meta: { code: 'INVALID_PATH' }, errors: [{ field: 'path', rule: 'uri-encoding' }] },
    });
    const gateway = await http().get('/v1/models%zz').set('authorization', 'Bearer sk-not-a-key');
    expect({ status: gateway.status, body: gateway.body }).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', message: expect.any(String), param: null, code: 'invalid_path' } },
    });
    for (const response of [api, gateway]) expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses null for optional fields and arrays or scalars for nested objects, naming the field', async () => {
    const select = (body: object) => http().post('/api/models/select').set(admin).send(body);
    await expect400(select({ modelType: 'text', operation: null }), 'operation');
    for (const field of ['commandOverride', 'projectPreference', 'vaultPreference']) {
      for (const value of [null, [], [{ provider: 'openai' }], 'openai', 7]) {
        await expect400(select({ modelType: 'text', [field]: value }), field);
      }
    }
    await expect400(http().patch('/api/providers/openai').set(admin).send({ enabled: null }), 'enabled');
    await expect400(http().patch('/api/providers/openai').set(admin).send({ uiPreferences: null }), 'uiPreferences');
    await expect400(http().post('/api/providers/openai/credentials').set(admin).send({ apiKey: null }), 'apiKey');
    await expect400(http().post('/api/catalog/sync').set(admin).send({ dryRun: null }), 'dryRun');
    const usage = (record: object) =>
      http()
        .post('/api/usage')
        .set(admin)
        .set('Idempotency-Key', 'null-1')
        .send({ records: [record] });
    await expect400(usage({ provider: 'openai', model: null }), 'records.0.model');
    await expect400(
      http()
        .post('/api/usage')
        .set(admin)
        .set('Idempotency-Key', 'null-2')
        .send({ records: [null] }),
      'records.0',
    );
  });

  it('refuses a NUL in a query filter or path input (PostgreSQL takes none) and a budget written in exponent form, naming the field', async () => {
    for (const url of ['/api/requests?model=%00', '/api/requests?provider=a%00b', '/api/requests?key=%00', '/api/usage?provider=%00']) {
      const field = /\?(\w+)=/.exec(url)![1];
      await expect400(http().get(url).set(admin), field, 'storable-text');
    }
    await expect400(http().get('/api/providers/open%00ai').set(admin), 'provider', 'storable-text');
    // 1e-7 is how JavaScript writes 0.0000001: more decimals than a budget takes, refused as such.
    for (const budgetUsd of [1e-7, 0.00001, 12.34567]) {
      await expect400(
        http()
          .post('/api/keys')
          .set(admin)
          .send({ name: `tiny-budget-${budgetUsd}`, budgetUsd }),
        'budgetUsd',
        'maxDecimals',
      );
      await expect400(http().patch('/api/providers/openai').set(admin).send({ budgetUsd }), 'budgetUsd', 'maxDecimals');
    }
    const kept = await http().post('/api/keys').set(admin).send({ name: 'four-decimals', budgetUsd: 0.0001 });
    expect(kept.status).toBe(201);
  });

  it('refuses ids and cursors past the bigint range with 400 naming the field', async () => {
    const pastBigint = '9999999999999999999';
    const cursor = Buffer.from(pastBigint, 'utf8').toString('base64url');
    expect(cursor).toBe('OTk5OTk5OTk5OTk5OTk5OTk5OQ');
    await expect400(http().get(`/api/audit?cursor=${cursor}`).set(admin), 'cursor');
    const records = [{ provider: 'openai', credentialId: pastBigint }];
    await expect400(http().post('/api/usage').set(admin).set('Idempotency-Key', 'bigint-1').send({ records }), 'records.0.credentialId');
    await expect400(http().delete(`/api/providers/openai/credentials/${pastBigint}`).set(admin), 'id');
    // The largest bigint is still an id: not found, not refused.
    const largest = Buffer.from('9223372036854775807', 'utf8').toString('base64url');
    await http().get(`/api/audit?cursor=${largest}`).set(admin).expect(200);
  });

  it('refuses dates that are not calendar date-times (ISO week and ordinal dates) with 400', async () => {
    for (const since of ['2020-W01', '2020-W01-1', '2020-001', '2020-02-30T00:00:00Z', '-271821-04-20T00:00:00Z']) {
      await expect400(
        http()
          .get(`/api/audit?since=${encodeURIComponent(since)}`)
          .set(admin),
        'since',
      );
    }
    await http().get('/api/audit?since=2020-01-06T00:00:00Z').set(admin).expect(200);
    await http().get('/api/audit?since=2020-01-06').set(admin).expect(200);
    const store = (expiresAt: unknown) => http().post('/api/providers/openai/credentials').set(admin).send({ apiKey: 'sk-x', expiresAt });
    for (const expiresAt of ['2020-W01', '2020-001', true, 0, '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z']) {
      await expect400(store(expiresAt), 'expiresAt');
    }
    await expect400(http().get('/api/usage?from=2027-02-31').set(admin), 'from');
  });
});
