import { createHash } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ConsumerKeyCache } from '../../../src/registry/consumer-keys/consumer-key-cache';
import { ApiTokensService } from '../../../src/server/auth/api-tokens.service';
import { captureLogs, LogCapture } from '../../support/log-capture';
import { TestApp, startTestApp } from '../../support/test-app';
import { TestDatabase } from '../../support/test-database';

const BOOTSTRAP = 'bootstrap-admin-token-for-consumer-key-tests-0123456789';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface FieldError {
  field: string;
  rule: string;
  message: string;
}

describe('Consumer keys (/api/keys)', () => {
  let testApp: TestApp | undefined;
  let db: TestDatabase;
  let app: INestApplication;
  let logs: LogCapture;
  let ops: string;
  let viewer: string;
  /** Every key value the API handed out: none may appear in a later answer, the audit trail or a log line. */
  const issued: string[] = [];
  const http = () => request(app.getHttpServer());
  const asOps = () => ({ Authorization: `Bearer ${ops}` });
  const asViewer = () => ({ Authorization: `Bearer ${viewer}` });

  beforeAll(async () => {
    logs = captureLogs();
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP, LOG_LEVEL: 'info' });
    ({ db, app } = testApp);
    const tokens = app.get(ApiTokensService);
    ops = (await tokens.create('ops', 'admin')).token;
    viewer = (await tokens.create('dashboard', 'viewer')).token;
  });

  afterAll(async () => {
    logs?.restore();
    await testApp?.close();
  });

  async function create(body: object): Promise<{ key: string; id: string; body: Record<string, unknown> }> {
    const response = await http().post('/api/keys').set(asOps()).send(body).expect(201);
    const data = response.body.data as Record<string, unknown> & { key: string; id: string };
    issued.push(data.key);
    return { key: data.key, id: data.id, body: response.body };
  }

  it('creates a key (201) for an admin: the answer holds the key this once, not to be cached', async () => {
    const expiresAt = '2099-06-30T00:00:00Z';
    const response = await http()
      .post('/api/keys')
      .set(asOps())
      .send({ name: 'billing-svc', models: ['openai/gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest'], expiresAt })
      .expect(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const { key, ...view } = response.body.data;
    issued.push(key);
    expect(response.body).toMatchObject({ status: 'success', message: 'OK' });
    expect(key).toMatch(/^sk-reg-[A-Za-z0-9_-]{43}$/);
    expect(view).toEqual({
      id: expect.stringMatching(/^\d+$/),
      name: 'billing-svc',
      prefix: key.slice(0, 12),
      models: ['openai/gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest'],
      expiresAt: '2099-06-30T00:00:00.000Z',
      revokedAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      version: expect.any(String),
      status: 'active',
      // No limit asked for: none (see test/integration/key-limits for keys that have them).
      rpm: null,
      tpm: null,
      maxParallel: null,
      budgetUsd: null,
      budgetWindow: null,
      budgetWarnRatio: null,
    });
    // This instance accepts it at once.
    expect(app.get(ConsumerKeyCache).authenticate(key)).toMatchObject({ id: view.id, name: 'billing-svc', models: view.models });

    const unlimited = await create({ name: 'batch-jobs', models: null, expiresAt: null });
    expect(unlimited.body.data).toMatchObject({ models: null, expiresAt: null });
  });

  it('lists keys for any token, never a key or its hash', async () => {
    await http().get('/api/keys').expect(401);
    const listed = await http().get('/api/keys').set(asViewer()).expect(200);
    expect(listed.body.data.map((k: { name: string }) => k.name)).toEqual(['billing-svc', 'batch-jobs']);
    for (const row of listed.body.data) {
      expect(Object.keys(row).sort()).toEqual([
        'budgetUsd',
        'budgetWarnRatio',
        'budgetWindow',
        'createdAt',
        'expiresAt',
        'id',
        'maxParallel',
        'models',
        'name',
        'prefix',
        'revokedAt',
        'rpm',
        'status',
        'tpm',
        'updatedAt',
        'version',
      ]);
    }
    const text = JSON.stringify(listed.body);
    for (const key of issued) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(sha256(key));
    }
  });

  it('refuses writes without a token (401) or by a viewer (403), and changes nothing', async () => {
    const before = await http().get('/api/keys').set(asViewer()).expect(200);
    await http().post('/api/keys').send({ name: 'sneaky' }).expect(401);
    const forbidden = await http().post('/api/keys').set(asViewer()).send({ name: 'sneaky' }).expect(403);
    expect(forbidden.body).toMatchObject({ status: 'error', meta: { code: 'FORBIDDEN' } });
    const id = before.body.data[0].id;
    await http().delete(`/api/keys/${id}`).expect(401);
    await http().delete(`/api/keys/${id}`).set(asViewer()).expect(403);
    expect((await http().get('/api/keys').set(asViewer()).expect(200)).body).toEqual(before.body);
  });

  it('answers 400 naming the field and the rule, 409 for a taken name', async () => {
    const cases: Array<[object, string, RegExp]> = [
      [{}, 'name', /name must be a string/],
      [{ name: 42 }, 'name', /name must be a string/],
      [{ name: 'Billing Svc' }, 'name', /must be 1-100 of a-z/],
      [{ name: 'svc', models: 'openai/gpt-4o' }, 'models', /models must be a list/],
      [{ name: 'svc', models: [1] }, 'models', /only provider\/model strings/],
      [{ name: 'svc', models: [] }, 'models', /at least one/],
      [{ name: 'svc', models: ['openai/gpt-4o', 'gpt-4o'] }, 'models', /entry 2 must be provider\/model/],
      [{ name: 'svc', models: ['openai/gpt 4o'] }, 'models', /whitespace/],
      [{ name: 'svc', expiresAt: 'next week' }, 'expiresAt', /ISO 8601/],
      [{ name: 'svc', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt', /in the future/],
      [{ name: 'svc', role: 'admin' }, 'role', /should not exist/],
    ];
    for (const [body, field, message] of cases) {
      const response = await http().post('/api/keys').set(asOps()).send(body);
      const errors = (response.body.errors ?? []) as FieldError[];
      expect({ body, status: response.status, fields: [...new Set(errors.map((e) => e.field))] }).toEqual({
        body,
        status: 400,
        fields: [field],
      });
      expect({ body, messages: errors.map((e) => e.message) }).toEqual({
        body,
        messages: expect.arrayContaining([expect.stringMatching(message)]),
      });
    }
    const taken = await http().post('/api/keys').set(asOps()).send({ name: 'billing-svc' }).expect(409);
    expect(taken.body).toMatchObject({ status: 'error', meta: { code: 'CONSUMER_KEY_NAME_TAKEN' } });
    expect(taken.body.message).toContain('"billing-svc"');
  });

  it('revokes by id (200): refused at once by this instance; then 404, and 400 for what is no id', async () => {
    const { key, id } = await create({ name: 'to-revoke' });
    const cache = app.get(ConsumerKeyCache);
    expect(cache.authenticate(key)).not.toBeNull();
    const revoked = await http().delete(`/api/keys/${id}`).set(asOps()).expect(200);
    expect(revoked.body.data).toMatchObject({ id, name: 'to-revoke', status: 'revoked', revokedAt: expect.any(String) });
    expect(revoked.body.data).not.toHaveProperty('key');
    expect(cache.authenticate(key)).toBeNull();

    const again = await http().delete(`/api/keys/${id}`).set(asOps()).expect(404);
    expect(again.body).toMatchObject({ status: 'error', meta: { code: 'CONSUMER_KEY_NOT_FOUND' } });
    await http().delete('/api/keys/424242').set(asOps()).expect(404);
    for (const bad of ['to-revoke', '0', '99999999999999999999']) {
      const response = await http().delete(`/api/keys/${bad}`).set(asOps()).expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'id', message: expect.stringContaining('consumer key id') })]);
    }
    const listed = (await http().get('/api/keys').set(asViewer()).expect(200)).body.data;
    expect(listed.find((k: { id: string }) => k.id === id)).toMatchObject({ status: 'revoked' });
  });

  it('is in the audit trail as the token that acted, by name, never with a key, its hash or its prefix', async () => {
    const audit = (await http().get('/api/audit?limit=200').set(asViewer()).expect(200)).body.data as Array<{
      actor: string;
      action: string;
      target: string;
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
    }>;
    const ours = audit.filter((e) => e.action.startsWith('consumer_key.'));
    expect(ours.map((e) => [e.actor, e.action, e.target]).reverse()).toEqual([
      ['ops', 'consumer_key.created', 'billing-svc'],
      ['ops', 'consumer_key.created', 'batch-jobs'],
      ['ops', 'consumer_key.created', 'to-revoke'],
      ['ops', 'consumer_key.revoked', 'to-revoke'],
    ]);
    expect(ours[ours.length - 1].after).toEqual({
      name: 'billing-svc',
      models: ['openai/gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest'],
      expiresAt: '2099-06-30T00:00:00+00:00',
      revokedAt: null,
      rpm: null,
      tpm: null,
      maxParallel: null,
      budgetUsd: null,
      budgetWindow: null,
      budgetWarnRatio: null,
    });
    expect(ours[0]).toMatchObject({ before: { revokedAt: null }, after: { revokedAt: expect.any(String) } });
    const filtered = (await http().get('/api/audit?action=consumer_key.revoked').set(asViewer()).expect(200)).body.data;
    expect(filtered).toHaveLength(1);

    const [{ dump }] = await (await db.dataSource()).query(`SELECT coalesce(json_agg(e)::text, '') AS dump FROM audit_events e`);
    for (const key of issued) {
      for (const secret of [key, sha256(key), key.slice(0, 12)]) expect(dump).not.toContain(secret);
    }
  });

  it('takes the Bearer scheme in any case, for a consumer key on /v1 as for an API token on /api', async () => {
    const { key } = await create({ name: 'lowercase-scheme' });
    const models = await http().get('/v1/models').set('authorization', `bearer ${key}`).expect(200);
    expect(models.body).toMatchObject({ object: 'list', data: expect.arrayContaining([expect.objectContaining({ id: 'auto' })]) });
    await http().get('/api/keys').set('authorization', `BEARER ${viewer}`).expect(200);
  });

  it('a /v1 error answer for a key with rate limits carries its x-ratelimit-* headers, as a 429 does', async () => {
    const { key } = await create({ name: 'rated-svc', rpm: 100, tpm: 5000 });
    const answer = await http()
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key}`)
      .send({ model: 'nobody/offers-this', messages: [{ role: 'user', content: 'hi' }] })
      .expect(404);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error' });
    expect(answer.headers).toMatchObject({
      'x-ratelimit-limit-requests': '100',
      'x-ratelimit-remaining-requests': '100',
      'x-ratelimit-limit-tokens': '5000',
      'x-ratelimit-reset-requests': expect.stringMatching(/^\d+s$/),
    });
    const { key: unlimited } = await create({ name: 'free-svc' });
    const plain = await http()
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${unlimited}`)
      .send({ model: 'nobody/offers-this', messages: [{ role: 'user', content: 'hi' }] })
      .expect(404);
    expect(Object.keys(plain.headers).filter((name) => name.startsWith('x-ratelimit-'))).toEqual([]);
  });

  it('never logs a key', () => {
    expect(issued.length).toBeGreaterThanOrEqual(3);
    expect(logs.linesContaining(issued)).toEqual([]);
  });

  it('is in the OpenAPI document: GET and POST /api/keys, DELETE /api/keys/{id}, the body schema', async () => {
    const document = (await http().get('/api/docs-json').expect(200)).body;
    expect(Object.keys(document.paths['/api/keys']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/api/keys/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(document.components.schemas.CreateConsumerKeyDto).toMatchObject({
      required: ['name'],
      properties: {
        name: { type: 'string' },
        models: { type: 'array', items: { type: 'string' }, nullable: true },
        expiresAt: { type: 'string', format: 'date-time', nullable: true },
      },
    });
    const actions = document.paths['/api/audit'].get.parameters.find((p: { name: string }) => p.name === 'action').schema.enum;
    expect(actions).toEqual(expect.arrayContaining(['consumer_key.created', 'consumer_key.revoked']));
  });
});
