import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ApiTokensService } from '../../../src/server/auth/api-tokens.service';
import { TestApp, startTestApp } from '../../support/test-app';
import { TestDatabase } from '../../support/test-database';

const BOOTSTRAP = 'bootstrap-admin-token-for-tests-console-0123456789';

/** The routes the admin console leans on: who the token is, a provider search, and health over a window. */
describe('REST API for the admin console', () => {
  let testApp: TestApp | undefined;
  let db: TestDatabase;
  let app: INestApplication;
  let viewer: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP }, { migrated: false });
    ({ db, app } = testApp);
    viewer = (await app.get(ApiTokensService).create('wall-screen', 'viewer')).token;
  });

  afterAll(() => testApp?.close());

  it('GET /api/auth/whoami names the token and its role', async () => {
    expect((await http().get('/api/auth/whoami').set('Authorization', `Bearer ${viewer}`).expect(200)).body).toMatchObject({
      status: 'success',
      data: { name: 'wall-screen', role: 'viewer' },
    });
    expect((await http().get('/api/auth/whoami').set('Authorization', `Bearer ${BOOTSTRAP}`).expect(200)).body.data).toEqual({
      name: 'bootstrap',
      role: 'admin',
    });
    await http().get('/api/auth/whoami').expect(401);
  });

  it('GET /api/providers?q= finds providers by slug or display name, case-insensitively', async () => {
    const auth = { Authorization: `Bearer ${viewer}` };
    const all = (await http().get('/api/providers?limit=200').set(auth).expect(200)).body.data as Array<{
      provider: string;
      displayName: string;
    }>;
    const openai = all.find((p) => p.provider === 'openai');
    expect(openai).toBeDefined();
    const bySlug = (await http().get('/api/providers?q=OPENA').set(auth).expect(200)).body;
    expect(bySlug.data.map((p: { provider: string }) => p.provider)).toContain('openai');
    expect(bySlug.data.every((p: { provider: string; displayName: string }) => /opena/i.test(p.provider + p.displayName))).toBe(true);
    expect(bySlug.meta.total).toBe(bySlug.data.length);
    const byName = (
      await http()
        .get(`/api/providers?q=${encodeURIComponent(openai!.displayName.slice(0, 4))}`)
        .set(auth)
        .expect(200)
    ).body;
    expect(byName.data.map((p: { provider: string }) => p.provider)).toContain('openai');
    expect((await http().get('/api/providers?q=no-such-provider-anywhere').set(auth).expect(200)).body.data).toEqual([]);
    const bad = await http()
      .get(`/api/providers?q=${'x'.repeat(101)}`)
      .set(auth)
      .expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'q' })]);
  });

  it('GET /api/providers/:provider/health?window= buckets the checks of the window and lists the failed ones with reasons', async () => {
    const dataSource = await db.dataSource();
    // A day of history: a healthy check every 30 minutes for 30 hours, two of them failures, one out of the 24 h window.
    await dataSource.query(
      `INSERT INTO provider_health_checks (provider_config_id, status, latency_ms, error, checked_at)
       SELECT p.id,
              CASE WHEN n IN (3, 50) THEN 'unhealthy' ELSE 'healthy' END,
              CASE WHEN n IN (3, 50) THEN NULL ELSE 100 + n END,
              CASE WHEN n IN (3, 50) THEN '401 from the provider' END,
              now() - make_interval(mins => 30 * n + 1)
       FROM provider_configs p, generate_series(0, 59) AS n
       WHERE p.provider = 'openai'`,
    );
    const auth = { Authorization: `Bearer ${viewer}` };
    const plain = (await http().get('/api/providers/openai/health').set(auth).expect(200)).body.data;
    expect(plain.window).toBeUndefined();

    const day = (await http().get('/api/providers/openai/health?window=24h').set(auth).expect(200)).body.data.window;
    expect(day).toMatchObject({ window: '24h', bucketSeconds: 900 });
    const dayChecks = day.buckets.reduce((sum: number, b: { checks: number }) => sum + b.checks, 0);
    expect(dayChecks).toBe(48); // n = 0…47 are inside 24 h
    expect(day.buckets.reduce((sum: number, b: { failures: number }) => sum + b.failures, 0)).toBe(1);
    expect(day.problems).toEqual([expect.objectContaining({ status: 'unhealthy', reason: '401 from the provider' })]);
    const failed = day.buckets.find((b: { failures: number }) => b.failures === 1);
    expect(failed).toMatchObject({ checks: 1, uptimePercent: 0, p50LatencyMs: null });
    const times = day.buckets.map((b: { start: string }) => Date.parse(b.start));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times.every((t: number) => t % 900_000 === 0)).toBe(true);

    const week = (await http().get('/api/providers/openai/health?window=7d').set(auth).expect(200)).body.data.window;
    expect(week.buckets.reduce((sum: number, b: { checks: number }) => sum + b.checks, 0)).toBe(60);
    expect(week.problems.map((p: { reason: string }) => p.reason)).toEqual(['401 from the provider', '401 from the provider']);

    const bad = await http().get('/api/providers/openai/health?window=1y').set(auth).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'window', message: 'window must be one of 24h, 7d' })]);
    await http().get('/api/providers/nope/health?window=24h').set(auth).expect(404);
  });
});
