import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CREDENTIAL_STORED_SINCE, NO_USABLE_CREDENTIAL } from '../../../src/registry/health/combined-health';
import { TestApp, startTestApp } from '../../support/test-app';

const BOOTSTRAP = 'bootstrap-admin-token-for-message-tests-0123456789';
const admin = `Bearer ${BOOTSTRAP}`;

/** What the API says when something is wrong or missing: each message points at what to do, in the user's words. */
describe('REST API: messages that point the right way', () => {
  let testApp: TestApp | undefined;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    // No health schedule: nothing probes unless a test asks.
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP });
    app = testApp.app;
  });

  afterAll(() => testApp?.close());

  it('a mistyped provider: 404 naming it and the providers there are, never a table', async () => {
    for (const path of ['/api/providers/openia', '/api/providers/openia/health', '/api/providers/openia/models']) {
      const answer = await http().get(path).set('Authorization', admin).expect(404);
      expect(answer.body).toMatchObject({
        status: 'error',
        message: 'Unknown provider "openia"; known providers: anthropic, ollama, openai, openrouter',
        meta: { code: 'UNKNOWN_PROVIDER', knownProviders: ['anthropic', 'ollama', 'openai', 'openrouter'] },
      });
      expect(JSON.stringify(answer.body)).not.toContain('provider_configs');
    }
  });

  it('JSON sent as curl -d sends it (a form): 415 saying the body was not read as JSON, whatever the route', async () => {
    for (const [method, path] of [
      ['post', '/api/models/select'],
      ['patch', '/api/providers/openai'],
    ] as const) {
      const answer = await http()
        [method](path)
        .set('Authorization', admin)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('{"modelType":"text"}')
        .expect(415);
      expect(answer.body).toMatchObject({
        status: 'error',
        meta: { code: 'UNSUPPORTED_MEDIA_TYPE' },
        errors: [{ field: 'Content-Type', rule: 'media-type' }],
      });
      expect(answer.body.message).toBe(
        'Content-Type must be application/json: the body was sent as application/x-www-form-urlencoded ' +
          "(what curl -d sends unless told -H 'Content-Type: application/json'), so it was not read",
      );
    }
    // The same body as JSON is read.
    const read = await http().post('/api/models/select').set('Authorization', admin).send({ modelType: 'text' });
    expect([200, 409]).toContain(read.status);
  });

  it('a provider without a key says how to store one, and never names an environment variable', async () => {
    const answer = await http().get('/api/providers/openrouter').set('Authorization', admin).expect(200);
    expect(answer.body.data.availability).toEqual({
      available: false,
      reason: 'no_credential',
      detail:
        'provider "openrouter" needs an API key and none is stored: store one with ' +
        'ai-registry ai:credentials:set openrouter --key-stdin, or POST /api/providers/openrouter/credentials',
    });
    expect(answer.body.data.availability.detail).not.toMatch(/OPENROUTER_API_KEY/);
  });

  it('health stops saying "no usable credential" once one is stored, even before a probe uses it', async () => {
    const health = async () => {
      const all = (await http().get('/api/health').set('Authorization', admin).expect(200)).body.data as Array<{
        provider: string;
        status: string;
        reason: string | null;
      }>;
      const one = (await http().get('/api/providers/anthropic').set('Authorization', admin).expect(200)).body.data.health;
      return { summary: all.find((h) => h.provider === 'anthropic'), page: { status: one.status, lastError: one.lastError } };
    };
    const test = await http().post('/api/providers/anthropic/test').set('Authorization', admin).expect(200);
    expect(test.body.data).toMatchObject({ status: 'unknown', reason: NO_USABLE_CREDENTIAL, probed: false });
    expect(await health()).toEqual({
      summary: expect.objectContaining({ status: 'unknown', reason: NO_USABLE_CREDENTIAL }),
      page: { status: 'unknown', lastError: NO_USABLE_CREDENTIAL },
    });

    await http()
      .post('/api/providers/anthropic/credentials')
      .set('Authorization', admin)
      .send({ apiKey: 'sk-ant-api03-Messages0123456789abcdef' })
      .expect(201);
    expect(await health()).toEqual({
      summary: expect.objectContaining({ status: 'unknown', reason: CREDENTIAL_STORED_SINCE }),
      page: { status: 'unknown', lastError: CREDENTIAL_STORED_SINCE },
    });

    // Removed again: the check's words are true again.
    const id = (await http().get('/api/providers/anthropic/credentials').set('Authorization', admin).expect(200)).body.data[0].id;
    await http().delete(`/api/providers/anthropic/credentials/${id}`).set('Authorization', admin).expect(200);
    expect((await health()).summary).toMatchObject({ reason: NO_USABLE_CREDENTIAL });
  });

  it('a duplicate usage batch says it counted nothing, as the document says', async () => {
    const post = () =>
      http()
        .post('/api/usage')
        .set('Authorization', admin)
        .set('Idempotency-Key', 'messages-batch-1')
        .send({ records: [{ provider: 'ollama', requests: 2 }] })
        .expect(200);
    expect((await post()).body.data).toEqual({ accepted: 1, duplicate: false });
    expect((await post()).body.data).toEqual({ accepted: 0, duplicate: true });
    const document = (await http().get('/api/docs-json').expect(200)).body;
    expect(document.paths['/api/usage'].post.responses['200'].description).toMatch(
      /`accepted` is how many records this request counted, all of the batch or 0; `duplicate: true` when the key was counted before/,
    );
  });

  it('spend without a model says model: null', async () => {
    await http()
      .post('/api/usage')
      .set('Authorization', admin)
      .set('Idempotency-Key', 'messages-batch-2')
      .send({ records: [{ provider: 'openai', requests: 1 }] })
      .expect(200);
    const spend = (await http().get('/api/usage?groupBy=provider,model').set('Authorization', admin).expect(200)).body.data.spend;
    expect(spend.rows).toContainEqual(expect.objectContaining({ provider: 'openai', model: null, requests: '1' }));
    expect(spend.rows.some((row: { model: unknown }) => row.model === '')).toBe(false);
  });
});
