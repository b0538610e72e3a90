import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ApiTokensService } from '../../../src/server/auth/api-tokens.service';
import { captureLogs, LogCapture } from '../../support/log-capture';
import { servedRoutes } from '../../support/served-routes';
import { freePort } from '../../support/server-process';
import { TestApp, startTestApp } from '../../support/test-app';
import { TestDatabase } from '../../support/test-database';
import { validateOpenApi } from '../../support/validate-openapi';

const BOOTSTRAP = 'bootstrap-admin-token-for-tests-0123456789abcdef';
const OPENAI_KEY = 'sk-proj-Zx81KqLmNoPq2RsTuVwXyZaBcDeF9876';
const ANTHROPIC_KEY = 'sk-ant-api03-QwErTyUiOpAsDfGhJkLzXcVbNm1234';

describe('REST API', () => {
  let testApp: TestApp | undefined;
  let db: TestDatabase;
  let app: INestApplication;
  let logs: LogCapture;
  let viewer: string;
  let revoked: string;
  let expired: string;
  const admin = `Bearer ${BOOTSTRAP}`;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    logs = captureLogs();
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP, LOG_LEVEL: 'info' }, { migrated: false });
    ({ db, app } = testApp);
    const tokens = app.get(ApiTokensService);
    viewer = (await tokens.create('dashboard', 'viewer')).token;
    revoked = (await tokens.create('old-ci', 'admin')).token;
    expired = (await tokens.create('expired-ci', 'admin', new Date(Date.now() - 1000))).token;
    await tokens.revoke('old-ci');
  });

  afterAll(async () => {
    logs?.restore();
    await testApp?.close();
  });

  async function rowCounts(): Promise<string> {
    const dataSource = await db.dataSource();
    const [row] = await dataSource.query(
      `SELECT (SELECT count(*) FROM ai_credentials)::int AS credentials,
              (SELECT string_agg(provider || ':' || enabled || ':' || coalesce(priority_override::text, '-') || ':' || ui_preferences::text, ',' ORDER BY provider) FROM provider_configs) AS configs`,
    );
    return JSON.stringify(row);
  }

  it('answers liveness and readiness without a token', async () => {
    expect((await http().get('/healthz').expect(200)).body).toMatchObject({ status: 'ok' });
    expect((await http().get('/readyz').expect(200)).body).toMatchObject({
      status: 'success',
      data: { database: true, migrations: true, snapshot: true },
    });
  });

  it('refuses requests without a valid token (401) and writes by a viewer (403), in the envelope', async () => {
    for (const authorization of [
      undefined,
      'Basic abc',
      'Bearer',
      'Bearer reg_unknown-token-value-of-the-right-length-00000',
      `Bearer ${revoked}`,
      `Bearer ${expired}`,
    ]) {
      const call = http().get('/api/providers');
      if (authorization) void call.set('Authorization', authorization);
      const response = await call.expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.body).toMatchObject({ status: 'error', data: null, meta: { code: 'UNAUTHENTICATED' } });
    }
    await http().get('/api/providers').set('Authorization', `Bearer ${viewer}`).expect(200);
    const forbidden = await http().post('/api/providers/openai/disable').set('Authorization', `Bearer ${viewer}`).expect(403);
    expect(forbidden.body).toMatchObject({ status: 'error', meta: { code: 'FORBIDDEN' } });
    expect(forbidden.body.message).toContain('dashboard');
  });

  it('stores a key write-only: answers and logs show only the mask', async () => {
    const stored = await http()
      .post('/api/providers/openai/credentials')
      .set('Authorization', admin)
      .send({ apiKey: OPENAI_KEY, expiresAt: new Date(Date.now() + 86_400_000).toISOString(), uiMetadata: { label: 'prod' } })
      .expect(201);
    expect(stored.body).toMatchObject({ status: 'success', data: { provider: 'openai', masked: 'sk-proj-…9876', status: 'active' } });
    await http().post('/api/providers/anthropic/credentials').set('Authorization', admin).send({ apiKey: ANTHROPIC_KEY }).expect(201);

    const listed = await http().get('/api/providers/openai/credentials').set('Authorization', `Bearer ${viewer}`).expect(200);
    const provider = await http().get('/api/providers/openai').set('Authorization', `Bearer ${viewer}`).expect(200);
    expect(provider.body.data).toMatchObject({
      provider: 'openai',
      availability: { available: true },
      credentials: [{ masked: 'sk-proj-…9876' }],
    });
    for (const body of [stored.body, listed.body, provider.body]) expect(JSON.stringify(body)).not.toContain(OPENAI_KEY);
    expect(logs.linesContaining([OPENAI_KEY, ANTHROPIC_KEY, BOOTSTRAP, viewer])).toEqual([]);
  });

  it('lists providers with filters and cursor pagination', async () => {
    const auth = { Authorization: `Bearer ${viewer}` };
    const all = (await http().get('/api/providers').set(auth).expect(200)).body;
    expect(all.meta.total).toBe(all.data.length);
    const first = (await http().get('/api/providers?limit=2').set(auth).expect(200)).body;
    expect(first.data).toHaveLength(2);
    const second = (await http().get(`/api/providers?limit=2&cursor=${first.meta.nextCursor}`).set(auth).expect(200)).body;
    expect(second.data[0].provider).toBe(all.data[2].provider);
    const available = (await http().get('/api/providers?available=true&modelType=text').set(auth).expect(200)).body;
    expect(available.data.map((p: { provider: string }) => p.provider)).toEqual(expect.arrayContaining(['openai', 'anthropic']));
    expect(available.data.every((p: { availability: { available: boolean } }) => p.availability.available)).toBe(true);
    const bad = await http().get('/api/providers?limit=500&health=great&enabled=maybe').set(auth).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['enabled', 'health', 'limit']);
  });

  it('changes a provider, selects a model, and answers 409 with every reason when nothing is available', async () => {
    const patched = await http()
      .patch('/api/providers/anthropic')
      .set('Authorization', admin)
      .send({ priority: 1, uiPreferences: { color: 'teal' }, displayName: 'Claude (prod)' })
      .expect(200);
    expect(patched.body.data).toMatchObject({
      priority: 1,
      priorityOverride: 1,
      uiPreferences: { color: 'teal' },
      displayName: 'Claude (prod)',
      displayNameOverride: 'Claude (prod)',
    });
    await http().patch('/api/providers/anthropic').set('Authorization', admin).send({ displayName: 'line\nbreak' }).expect(400);
    await http().patch('/api/providers/anthropic').set('Authorization', admin).send({ displayName: '' }).expect(400);
    const selected = await http()
      .post('/api/models/select')
      .set('Authorization', `Bearer ${viewer}`)
      .send({ modelType: 'text' })
      .expect(200);
    expect(selected.body.data).toMatchObject({ provider: 'openai', source: 'global_default' });

    const textProviders = (await http().get('/api/providers?enabled=true&modelType=text').set('Authorization', admin)).body.data;
    for (const p of textProviders) await http().post(`/api/providers/${p.provider}/disable`).set('Authorization', admin).expect(200);
    const none = await http().post('/api/models/select').set('Authorization', admin).send({ modelType: 'text' }).expect(409);
    expect(none.body).toMatchObject({ status: 'error', meta: { code: 'NO_AVAILABLE_PROVIDER' } });
    expect(none.body.meta.skipped.length).toBeGreaterThan(0);
    expect(none.body.meta.skipped.every((s: { reason: string }) => s.reason === 'disabled' || s.reason === 'duplicate')).toBe(true);
    for (const p of textProviders) await http().post(`/api/providers/${p.provider}/enable`).set('Authorization', admin).expect(200);
    expect((await http().get('/api/models?type=embedding').set('Authorization', admin).expect(200)).body.data.length).toBeGreaterThan(0);
  });

  it('runs a catalog sync (dry run first), probes a provider and sweeps, admin only', async () => {
    const dry = await http().post('/api/catalog/sync').set('Authorization', admin).send({ dryRun: true }).expect(200);
    expect(dry.body.data).toMatchObject({ dryRun: true, created: [], updated: [] });
    expect(dry.body.data.overridden).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'anthropic', field: 'priority' }),
        expect.objectContaining({ provider: 'anthropic', field: 'displayName', operator: 'Claude (prod)' }),
      ]),
    );
    await http().post('/api/catalog/sync').set('Authorization', admin).send({}).expect(200);
    expect((await http().get('/api/providers/anthropic').set('Authorization', admin)).body.data.displayName).toBe('Claude (prod)');
    await http().post('/api/catalog/sync').set('Authorization', `Bearer ${viewer}`).send({}).expect(403);
    await http().post('/api/catalog/sync').set('Authorization', admin).send({ dryRun: 'yes' }).expect(400);

    // Pointed at a closed local port (never a real provider from a test): the probe fails, and that is
    // recorded as health, not an HTTP error.
    await http()
      .post('/api/providers/openai/credentials')
      .set('Authorization', admin)
      .send({ apiKey: OPENAI_KEY, baseUrl: `http://127.0.0.1:${await freePort()}/v1` })
      .expect(201);
    const tested = await http().post('/api/providers/openai/test').set('Authorization', admin).expect(200);
    expect(tested.body.data).toMatchObject({ provider: 'openai', probed: true, status: 'degraded' });
    expect(tested.body.data.reason).toMatch(/connection refused/);
    expect(JSON.stringify(tested.body)).not.toContain(OPENAI_KEY);
    const health = await http().get('/api/providers/openai/health').set('Authorization', `Bearer ${viewer}`).expect(200);
    expect(health.body.data).toMatchObject({ provider: 'openai', checks24h: 1 });
    expect(health.body.data.history).toEqual([
      expect.objectContaining({ status: 'degraded', reason: expect.stringMatching(/connection refused/) }),
    ]);
    expect((await http().get('/api/health').set('Authorization', `Bearer ${viewer}`).expect(200)).body.data.length).toBeGreaterThan(3);
    await http().post('/api/health/check').set('Authorization', `Bearer ${viewer}`).expect(403);
    await http().get('/api/providers/nope/health').set('Authorization', admin).expect(404);
  });

  it('makes a PATCH with If-Match conditional: the second of two editors gets 412 and changes nothing', async () => {
    const read = await http().get('/api/providers/openrouter').set('Authorization', admin).expect(200);
    const etag = read.headers.etag as string;
    expect(etag).toMatch(/^"\d+"$/);
    const first = await http()
      .patch('/api/providers/openrouter')
      .set('Authorization', admin)
      .set('If-Match', etag)
      .send({ uiPreferences: { editor: 'first' } })
      .expect(200);
    expect(first.headers.etag).not.toBe(etag);
    const second = await http()
      .patch('/api/providers/openrouter')
      .set('Authorization', admin)
      .set('If-Match', etag)
      .send({ uiPreferences: { editor: 'second' } })
      .expect(412);
    expect(second.body).toMatchObject({ status: 'error', meta: { code: 'STALE_VERSION' } });
    expect((await http().get('/api/providers/openrouter').set('Authorization', admin)).body.data.uiPreferences).toEqual({
      editor: 'first',
    });
    await http()
      .patch('/api/providers/openrouter')
      .set('Authorization', admin)
      .set('If-Match', first.headers.etag as string)
      .send({ uiPreferences: { editor: 'second' } })
      .expect(200);
    await http().patch('/api/providers/openrouter').set('Authorization', admin).set('If-Match', 'garbage').send({}).expect(400);
    // A usage flush or a health check does not change the version: no spurious 412 for the operator.
    const before = (await http().get('/api/providers/openrouter').set('Authorization', admin)).headers.etag;
    const dataSource = await db.dataSource();
    await dataSource.query(
      `UPDATE provider_configs SET usage_count = usage_count + 1, last_health_check = now() WHERE provider = 'openrouter'`,
    );
    expect((await http().get('/api/providers/openrouter').set('Authorization', admin)).headers.etag).toBe(before);
  });

  it('changes a credential in place (PATCH), keeping its bound base URL; ?test=true probes after storing', async () => {
    const baseUrl = `http://127.0.0.1:${await freePort()}/v1`;
    const stored = await http()
      .post('/api/providers/openrouter/credentials?test=true')
      .set('Authorization', admin)
      .send({ apiKey: 'sk-or-v1-0123456789abcdef0123456789', baseUrl })
      .expect(201);
    expect(stored.body.meta.test).toMatchObject({ provider: 'openrouter', probed: true });
    const id = stored.body.data.id as string;
    const patched = await http()
      .patch(`/api/providers/openrouter/credentials/${id}`)
      .set('Authorization', admin)
      .send({ apiKey: 'sk-or-v1-replacement-0123456789abcdef', isActive: false, uiMetadata: { note: 'rotated' } })
      .expect(200);
    expect(patched.body.data).toMatchObject({ id, masked: 'sk-or-v1-…cdef', isActive: false, baseUrl, uiMetadata: { note: 'rotated' } });
    expect(JSON.stringify(patched.body)).not.toContain('replacement');
    await http().patch(`/api/providers/openrouter/credentials/${id}`).set('Authorization', admin).send({ isActive: 'no' }).expect(400);
    await http().post('/api/providers/openrouter/credentials?test=maybe').set('Authorization', admin).send({ apiKey: 'sk-x' }).expect(400);
  });

  it('makes a credential PATCH with If-Match conditional too (412 for the second editor)', async () => {
    const [credential] = (await http().get('/api/providers/anthropic/credentials').set('Authorization', admin).expect(200)).body.data;
    const read = await http().get(`/api/providers/anthropic/credentials/${credential.id}`).set('Authorization', admin).expect(200);
    expect(read.body.data).toMatchObject({ id: credential.id, masked: expect.any(String) });
    const etag = read.headers.etag as string;
    const first = await http()
      .patch(`/api/providers/anthropic/credentials/${credential.id}`)
      .set('Authorization', admin)
      .set('If-Match', etag)
      .send({ uiMetadata: { owner: 'first' } })
      .expect(200);
    expect(first.headers.etag).not.toBe(etag);
    const second = await http()
      .patch(`/api/providers/anthropic/credentials/${credential.id}`)
      .set('Authorization', admin)
      .set('If-Match', etag)
      .send({ uiMetadata: { owner: 'second' } })
      .expect(412);
    expect(second.body.meta).toMatchObject({ code: 'STALE_VERSION' });
    const after = await http().get(`/api/providers/anthropic/credentials/${credential.id}`).set('Authorization', admin).expect(200);
    expect(after.body.data.uiMetadata).toEqual({ owner: 'first' });
    // Usage does not move a credential's version.
    const dataSource = await db.dataSource();
    await dataSource.query(`UPDATE ai_credentials SET usage_count = usage_count + 1 WHERE id = $1`, [credential.id]);
    expect((await http().get(`/api/providers/anthropic/credentials/${credential.id}`).set('Authorization', admin)).headers.etag).toBe(
      after.headers.etag,
    );
  });

  it('logs who called which route, never a token or key', async () => {
    await http().get('/api/providers/openai').set('Authorization', `Bearer ${viewer}`).expect(200);
    const line = logs.lines.find((l) => l.includes('"token":"dashboard"') && l.includes('/api/providers/:provider'));
    expect(line).toBeDefined();
    expect(logs.linesContaining([viewer, BOOTSTRAP, OPENAI_KEY])).toEqual([]);
  });

  it('answers 429 after too many failed authentications from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await http().get('/api/providers').set('Authorization', 'Bearer reg_wrong')).status);
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses[statuses.length - 1]).toBe(429);
  });

  it('refuses bad input with 4xx naming field and rule, and changes nothing', async () => {
    const before = await rowCounts();
    const cases: Array<[string, string, unknown, number]> = [
      ['patch', '/api/providers/openai', { priority: 'high' }, 400],
      ['patch', '/api/providers/openai', { displayName: 'x', rogue: true }, 400],
      ['patch', '/api/providers/openai', { uiPreferences: { api_key: 'sk-live-0123456789abcdefghij' } }, 400],
      ['patch', '/api/providers/openai', { uiPreferences: JSON.parse('{"__proto__": {"polluted": true}}') }, 400],
      ['post', '/api/providers/openai/credentials', { apiKey: 'sk-with space-0123456789' }, 400],
      ['post', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY, expiresAt: 'yesterday' }, 400],
      ['post', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY, baseUrl: 'http://169.254.169.254/v1' }, 400],
      ['post', "/api/providers/x'%3B%20DROP%20TABLE%20ai_credentials%3B--/credentials", { apiKey: OPENAI_KEY }, 400],
      ['post', '/api/providers/%F0%9F%94%A5/credentials', { apiKey: OPENAI_KEY }, 400],
      ['post', '/api/providers/nope/credentials', { apiKey: OPENAI_KEY }, 404],
      ['post', '/api/models/select', { modelType: 'image' }, 400],
      ['post', '/api/models/select', { modelType: 'text', operation: 'no-such-op' }, 400],
      ['delete', '/api/providers/openai/credentials/abc', undefined, 400],
      ['delete', '/api/providers/openai/credentials/999999', undefined, 404],
      ['patch', `/api/providers/${'p'.repeat(300)}`, { priority: 1 }, 400],
    ];
    for (const [method, url, body, status] of cases) {
      const response = await http()
        [method as 'patch'](url)
        .set('Authorization', admin)
        .send(body as object);
      expect({ url, body, status: response.status }).toEqual({ url, body, status });
      expect({ url, answer: response.body }).toMatchObject({ url, answer: { status: 'error' } });
      if (status === 400)
        expect({ url, answer: response.body.message, errors: response.body.errors?.[0] }).toMatchObject({
          url,
          errors: { field: expect.any(String), rule: expect.any(String) },
        });
      expect(JSON.stringify(response.body)).not.toMatch(/QueryFailedError|at .*\.ts:\d+|sk-live|syntax error/);
    }
    const large = await http()
      .post('/api/providers/openai/credentials')
      .set('Authorization', admin)
      .send({ apiKey: 'x'.repeat(70_000) });
    expect(large.status).toBe(413);
    expect(large.body).toMatchObject({ status: 'error', meta: { code: 'BODY_TOO_LARGE' }, errors: [{ field: 'body' }] });
    const broken = await http()
      .patch('/api/providers/openai')
      .set('Authorization', admin)
      .set('Content-Type', 'application/json')
      .send('{"priority":');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ meta: { code: 'INVALID_BODY' }, errors: [{ field: 'body', rule: 'json' }] });
    expect(broken.body.message).toMatch(/^the body is not valid JSON: /);
    const text = await http()
      .patch('/api/providers/openai')
      .set('Authorization', admin)
      .set('Content-Type', 'text/plain')
      .send('priority=1');
    expect(text.status).toBe(415);
    expect(text.body).toMatchObject({
      status: 'error',
      message: 'Content-Type must be application/json: the body was sent as text/plain, so it was not read',
      errors: [{ field: 'Content-Type', rule: 'media-type' }],
    });
    expect(await rowCounts()).toBe(before);
  });

  it('serves a valid OpenAPI 3 document listing every route, with the bearer scheme', async () => {
    const document = (await http().get('/api/docs-json').expect(200)).body;
    expect(validateOpenApi(document)).toEqual({ valid: true });
    expect(document.components.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' } });
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([route, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
    );
    const served = servedRoutes(app.getHttpAdapter().getInstance())
      // Not the docs themselves, nor wildcards (the docs' assets), the admin console's page or the gateway (OpenAI's API, not ours to document).
      .filter(({ path }) => !path.startsWith('/api/docs') && !path.includes('*') && !path.startsWith('/admin') && !path.startsWith('/v1/'))
      .flatMap(({ path, methods }) =>
        methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`),
      );
    expect(served.length).toBeGreaterThan(10);
    expect(documented.sort()).toEqual(expect.arrayContaining(served.sort()));
    await http().get('/api/docs').expect(200);
  });
});
