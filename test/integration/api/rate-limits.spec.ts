import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../../src/server/app.factory';
import { testConfig } from '../../support/registry-app';
import { freePort } from '../../support/server-process';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

const BOOTSTRAP = 'bootstrap-admin-token-for-tests-0123456789abcdef';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789abcdef';
const PROVIDER_CALLS = 3;
const AUTH_FAILURES = 4;

/** The two per-address budgets of README's table: each is one budget per client address, whatever the route. */
describe('rate limits per client address', () => {
  let db: TestDatabase;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function start(env: Record<string, string> = {}): Promise<ReturnType<typeof request>> {
    const config = testConfig(db, {
      PORT: '0',
      BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP,
      METRICS_TOKEN,
      API_PROVIDER_CALLS_PER_MINUTE: String(PROVIDER_CALLS),
      API_AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES),
      ...env,
    });
    app = await createApp(config, db.target);
    await app.init();
    return request(app.getHttpServer());
  }

  it('probe now, sweep now and store with ?test=true share one provider-call budget', async () => {
    const http = await start();
    const admin = { Authorization: `Bearer ${BOOTSTRAP}` };
    for (let i = 0; i < PROVIDER_CALLS; i++) await http.post('/api/providers/openai/test').set(admin).expect(200);
    expect((await http.post('/api/health/check').set(admin)).status).toBe(429);
    const credential = { apiKey: 'sk-proj-Zx81KqLmNoPq2RsTuVwXyZaBcDeF9876', baseUrl: `http://127.0.0.1:${await freePort()}/v1` };
    expect((await http.post('/api/providers/openai/credentials?test=true').set(admin).send(credential)).status).toBe(429);
    // Storing without a test calls no provider, so the budget does not apply.
    expect((await http.post('/api/providers/openai/credentials').set(admin).send(credential)).status).toBe(201);
  });

  it('failed authentications on /metrics count, in the same budget as the API', async () => {
    const http = await start();
    const wrong = (token: string) => ({ Authorization: `Bearer ${token}` });
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURES - 1; i++) statuses.push((await http.get('/metrics').set(wrong(`${METRICS_TOKEN}x`))).status);
    statuses.push((await http.get('/api/providers').set(wrong('reg_wrong'))).status);
    expect(statuses).toEqual(Array(AUTH_FAILURES).fill(401));
    // Past the budget, wrong tokens get 429 wherever they are tried.
    expect((await http.get('/metrics').set(wrong('reg_wrong'))).status).toBe(429);
    expect((await http.get('/metrics')).status).toBe(429);
    expect((await http.get('/api/providers').set(wrong('reg_wrong'))).status).toBe(429);
    // A right token is still answered.
    expect((await http.get('/metrics').set(wrong(METRICS_TOKEN))).status).toBe(200);
  });

  it('failed METRICS_TOKENs on METRICS_PORT count too', async () => {
    const metricsPort = await freePort();
    const http = await start({ METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' });
    const scrape = async (token: string) =>
      (await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status;
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURES; i++) statuses.push(await scrape('wrong'));
    expect(statuses).toEqual(Array(AUTH_FAILURES).fill(401));
    expect(await scrape('wrong')).toBe(429);
    expect((await http.get('/api/providers').set({ Authorization: 'Bearer reg_wrong' })).status).toBe(429);
    expect(await scrape(METRICS_TOKEN)).toBe(200);
  });
});
