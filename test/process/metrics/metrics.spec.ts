import type { Client } from 'pg';
import { FakeProvider, FakeProviderServer } from '../../support/fake-provider-server';
import { freePort, waitFor } from '../../support/server-process';
import { TestDatabase, createTestDatabase, describeOnRealPostgres } from '../../support/test-database';
import { ADMIN_TOKEN, Instance, OPENAI_KEY, listenerPids, psql, startInstance, stopInstance } from '../../support/instances';
import { Sample, parseExposition, promtoolCheck, valueOf } from '../../support/exposition';

const METRICS_TOKEN = 'metrics-scrape-token-0123456789abcdef';
/** Sent where a careless implementation would put it in a label: a path, a provider name. */
const SECRET_LIKE = 'sk-proj-NeverInALabel0123456789abcdef';

async function scrape(url: string, token: string | null = METRICS_TOKEN): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describeOnRealPostgres('GET /metrics', 'runs the server on PostgreSQL (LISTEN for the listener figures)', () => {
  let db: TestDatabase;
  let client: Client;
  let fakes: FakeProviderServer;
  let openai: FakeProvider;
  let server: Instance;

  beforeAll(async () => {
    fakes = new FakeProviderServer();
    await fakes.start();
    openai = fakes.add('openai', { kind: 'openai', apiKey: OPENAI_KEY, models: ['gpt-4o'] });
    db = await createTestDatabase();
    client = await psql(db.url);
    server = await startInstance({ databaseUrl: db.url, env: { METRICS_TOKEN, HEALTH_CHECK_INTERVAL_MS: '1000' } });
  }, 120_000);

  afterAll(async () => {
    if (server) await stopInstance(server);
    await client?.end().catch(() => undefined);
    await db?.drop();
    await fakes?.close();
  });

  const metrics = async (): Promise<{ text: string; samples: Sample[] }> => {
    const { status, text } = await scrape(`${server.url}/metrics`);
    expect(status).toBe(200);
    return { text, samples: parseExposition(text) };
  };

  it('answers only METRICS_TOKEN or an API token', async () => {
    expect((await scrape(`${server.url}/metrics`, null)).status).toBe(401);
    expect((await scrape(`${server.url}/metrics`, `${METRICS_TOKEN}x`)).status).toBe(401);
    const answer = await scrape(`${server.url}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await scrape(`${server.url}/metrics`, ADMIN_TOKEN)).status).toBe(200);
  });

  it('validates with promtool, and its figures move as the registry is used', async () => {
    const before = await metrics();
    expect(promtoolCheck(before.text)).toEqual({ status: 0, output: '' });

    // Probes, sweeps (the schedule runs every second), selection, usage, snapshot loads, HTTP.
    expect((await server.api('POST', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY, baseUrl: openai.baseUrl })).status).toBe(
      201,
    );
    expect((await server.api('POST', '/api/providers/openai/test')).status).toBe(200);
    expect(await server.selectedProvider()).toBe('openai');
    const skipped = await server.api('POST', '/api/models/select', { modelType: 'text', commandOverride: { provider: SECRET_LIKE } });
    expect(skipped.status).toBe(200);
    for (const provider of ['openai', 'anthropic', 'openrouter', 'ollama']) await server.api('POST', `/api/providers/${provider}/disable`);
    // NO_AVAILABLE_PROVIDER is answered 409 (the registry's state, not the server, is in the way).
    expect((await server.api('POST', '/api/models/select', { modelType: 'text' })).status).toBe(409);
    await server.api('POST', '/api/providers/openai/enable');
    const batch = { records: [{ provider: 'openai', requests: 3 }] };
    expect((await server.api('POST', '/api/usage', batch, { 'idempotency-key': 'metrics-1' })).status).toBe(200);
    expect((await server.api('POST', '/api/usage', batch, { 'idempotency-key': 'metrics-1' })).status).toBe(200);
    expect((await fetch(`${server.url}/api/no-such-route/${SECRET_LIKE}`)).status).toBe(404);
    // The listener: terminated, it comes back and says so.
    const [listener] = await listenerPids(client);
    await client.query('SELECT pg_terminate_backend($1)', [listener]);
    await waitFor('the listener to reconnect', async () =>
      valueOf((await metrics()).samples, 'ai_registry_listener_reconnects_total') >= 1 ? true : undefined,
    );
    // Both a tick claimed and a sweep completed after `before`: a sweep completing first may belong to a tick claimed before it.
    const sweptBefore = valueOf(before.samples, 'ai_registry_health_sweeps_total', { outcome: 'completed' });
    const claimedBefore = valueOf(before.samples, 'ai_registry_health_sweep_ticks_total', { result: 'claimed' });
    await waitFor('a scheduled sweep claimed here', async () => {
      const { samples } = await metrics();
      const swept = valueOf(samples, 'ai_registry_health_sweeps_total', { outcome: 'completed' }) > sweptBefore;
      return swept && valueOf(samples, 'ai_registry_health_sweep_ticks_total', { result: 'claimed' }) > claimedBefore ? true : undefined;
    });

    const after = await metrics();
    expect(promtoolCheck(after.text)).toEqual({ status: 0, output: '' });
    const moved = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after.samples, name, labels) - valueOf(before.samples, name, labels);

    expect(valueOf(after.samples, 'ai_registry_provider_health', { provider: 'openai', status: 'healthy' })).toBe(1);
    expect(valueOf(after.samples, 'ai_registry_provider_health', { provider: 'openai', status: 'unknown' })).toBe(0);
    expect(moved('ai_registry_probe_duration_seconds_count', { provider: 'openai', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(moved('ai_registry_health_transitions_total', { provider: 'openai', from: 'unknown', to: 'healthy' })).toBe(1);
    expect(moved('ai_registry_health_sweep_ticks_total', { result: 'claimed' })).toBeGreaterThanOrEqual(1);
    expect(moved('ai_registry_selections_total', { source: 'global_default' })).toBeGreaterThanOrEqual(2);
    expect(moved('ai_registry_selection_skips_total', { reason: 'unknown_provider' })).toBe(1);
    expect(moved('ai_registry_no_available_provider_total', { model_type: 'text' })).toBe(1);
    expect(moved('ai_registry_usage_batch_records_total', { result: 'applied' })).toBe(1);
    expect(moved('ai_registry_usage_batch_records_total', { result: 'duplicate' })).toBe(1);
    expect(moved('ai_registry_snapshot_refreshes_total', { kind: 'incremental' })).toBeGreaterThanOrEqual(5);
    expect(moved('ai_registry_snapshot_refreshes_total', { kind: 'full' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(after.samples, 'ai_registry_snapshot_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(moved('ai_registry_http_requests_total', { method: 'POST', route: '/api/models/select', status: '200' })).toBeGreaterThanOrEqual(
      2,
    );
    expect(moved('ai_registry_http_requests_total', { method: 'POST', route: '/api/models/select', status: '409' })).toBe(1);
    expect(moved('ai_registry_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(moved('ai_registry_http_request_duration_seconds_count', { route: '/api/usage' })).toBe(2);
    expect(valueOf(after.samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(after.samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    // No label carries a path, a provider name a caller chose, or a key.
    expect(after.text).not.toContain(SECRET_LIKE);
    expect(after.text).not.toContain(OPENAI_KEY);
    expect(after.text).not.toContain('no-such-route');
    const providers = new Set(after.samples.flatMap((sample) => (sample.labels.provider ? [sample.labels.provider] : [])));
    expect([...providers].sort()).toEqual(['anthropic', 'ollama', 'openai', 'openrouter']);
  });
});

describeOnRealPostgres('GET /metrics on METRICS_PORT', 'runs the server on PostgreSQL', () => {
  let db: TestDatabase;
  let server: Instance;
  let metricsPort: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    metricsPort = await freePort();
    server = await startInstance({
      databaseUrl: db.url,
      env: { METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1', METRICS_TOKEN },
    });
  }, 120_000);

  afterAll(async () => {
    if (server) await stopInstance(server);
    await db?.drop();
  });

  it('serves it there only, with its token, and nothing else there', async () => {
    expect((await scrape(`${server.url}/metrics`, ADMIN_TOKEN)).status).toBe(404);
    const answer = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(answer.status).toBe(200);
    expect(promtoolCheck(answer.text)).toEqual({ status: 0, output: '' });
    expect(valueOf(parseExposition(answer.text), 'ai_registry_snapshot_refreshes_total', { kind: 'full' })).toBeGreaterThanOrEqual(1);
    expect((await scrape(`http://127.0.0.1:${metricsPort}/metrics`, null)).status).toBe(401);
    expect((await scrape(`http://127.0.0.1:${metricsPort}/api/providers`)).status).toBe(404);
    expect(server.logs().some((line) => String(line.msg) === `Metrics on http://127.0.0.1:${metricsPort}/metrics`)).toBe(true);
  });
});
