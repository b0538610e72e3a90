import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { HealthScheduler } from '../../../src/registry/health/active/health-scheduler.service';
import { HealthService } from '../../../src/registry/health/active/health.service';
import type { ProviderHealthSummary } from '../../../src/registry/health/active/health.types';
import { ProviderConfigService } from '../../../src/registry/provider-settings/provider-config.service';
import { InvalidInputError } from '../../../src/registry/kernel/registry.errors';
import { AvailabilityService } from '../../../src/registry/selection/availability.service';
import { ModelSelectionService } from '../../../src/registry/selection/model-selection.service';
import { writeCatalogVariant } from '../../support/catalog-files';
import { FakeProvider, FakeProviderOptions, FakeProviderServer } from '../../support/fake-provider-server';
import { captureLogs } from '../../support/log-capture';
import { RegistryContext, freshRegistryEachTest, startRegistry } from '../../support/registry-app';
import { TestDatabase, createTestDatabase } from '../../support/test-database';
import { printFigure } from '../../support/print-figure';

/** Test keys: long, distinctive, and each with a middle part that must not leak either. */
const KEYS = {
  openai: 'sk-proj-HEALTHopenai7Q2w9E4r6T8y0U1iSECRET',
  anthropic: 'sk-ant-api03-HEALTHanthropic5K7m3N9b1V4cSECRET',
  openrouter: 'sk-or-v1-HEALTHopenrouter2Z8x6C4v0B3nSECRET',
  compat: 'corp-gw-HEALTHcompat9L1k5J3h7G2fSECRET',
  wrong: 'sk-proj-HEALTHwrong4P6o8I0u2Y4tSECRET',
} as const;
const SECRETS = Object.values(KEYS).flatMap((key) => [key, key.slice(8, 28)]);

const fake = new FakeProviderServer();
const elsewhere = new FakeProviderServer(); // another host:port, for redirects
let seq = 0;
/** Fakes the catalog variant points at (anthropic and ollama base_url, and the custom provider). */
let catalogAnthropic: FakeProvider;
let catalogOllama: FakeProvider;
let catalogCompat: FakeProvider;
let catalogPath: string;

/** A fresh fake provider (unique prefix), so each test sees only its own requests. */
function fresh(options: FakeProviderOptions): FakeProvider {
  return fake.add(`${options.kind}-${++seq}`, options);
}

const OPENAI_LISTED = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'text-embedding-3-small', 'dall-e-3'];
const ANTHROPIC_LISTED = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'];
const ANTHROPIC_ALIASES = { 'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5': 'claude-haiku-4-5-20251001' };
const OPENROUTER_LISTED = ['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4.5', 'x-ai/grok-4'];

beforeAll(async () => {
  await fake.start();
  await elsewhere.start();
  catalogAnthropic = fake.add('catalog-anthropic', {
    kind: 'anthropic',
    apiKey: KEYS.anthropic,
    models: ANTHROPIC_LISTED,
    aliases: ANTHROPIC_ALIASES,
  });
  catalogOllama = fake.add('catalog-ollama', { kind: 'ollama', models: ['llama3.1:latest', 'nomic-embed-text:latest', 'phi3:mini'] });
  catalogCompat = fake.add('catalog-compat', { kind: 'openai', apiKey: KEYS.compat, models: ['corp-chat', 'corp-embed'] });
  catalogPath = writeCatalogVariant((doc) => {
    // Catalog defaults point at the fakes, so a probe that ignored "no credential" would be seen.
    doc.providers.anthropic.base_url = catalogAnthropic.baseUrl;
    doc.providers.ollama.base_url = catalogOllama.baseUrl;
    doc.providers.my_compat = {
      display_name: 'Corporate gateway',
      probe: 'openai_compatible',
      base_url: catalogCompat.baseUrl,
      requires_api_key: true,
      priority: 50,
      text_models: [
        { id: 'corp-chat', name: 'Corp Chat', context_length: 32768 },
        { id: 'corp-chat-legacy', name: 'Corp Chat (legacy)', context_length: 8192 },
      ],
      embedding_models: [{ id: 'corp-embed', name: 'Corp Embed', dimensions: 1024 }],
    };
  });
});

afterAll(async () => {
  await fake.close();
  await elsewhere.close();
});

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** percentile_cont as PostgreSQL computes it (linear interpolation between closest ranks). */
function percentileCont(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
}

describe(HealthService.name, () => {
  const perTest = freshRegistryEachTest();
  let registry: RegistryContext | undefined;
  let health: HealthService;
  let credentials: CredentialsService;
  let configs: ProviderConfigService;

  async function boot(env: Record<string, string> = {}): Promise<RegistryContext> {
    registry = await perTest.start({
      CATALOG_PATH: catalogPath,
      HEALTH_UNHEALTHY_AFTER: '2',
      HEALTH_TIMEOUT_MS: '2000',
      HEALTH_HISTORY_DAYS: '7',
      ...env,
    });
    health = registry.get(HealthService);
    credentials = registry.get(CredentialsService);
    configs = registry.get(ProviderConfigService);
    return registry;
  }

  async function history(provider: string) {
    const rows: Array<{
      status: string;
      latency_ms: number | null;
      error: string | null;
      listed_models: number | null;
      missing_models: string[];
    }> = await registry!.dataSource.query(
      `SELECT h.status, h.latency_ms, h.error, h.listed_models, h.missing_models
         FROM provider_health_checks h JOIN provider_configs p ON p.id = h.provider_config_id
         WHERE p.provider = $1 ORDER BY h.id`,
      [provider],
    );
    return rows;
  }

  async function summaryOf(provider: string): Promise<ProviderHealthSummary> {
    const found = (await health.summary()).find((s) => s.provider === provider);
    if (!found) throw new Error(`no summary for ${provider}`);
    return found;
  }

  it('probes every provider kind through the service: healthy, latency, listed count and drift in summary()', async () => {
    await boot();
    const openai = fresh({ kind: 'openai', apiKey: KEYS.openai, models: OPENAI_LISTED });
    const anthropic = fresh({ kind: 'anthropic', apiKey: KEYS.anthropic, models: ANTHROPIC_LISTED, aliases: ANTHROPIC_ALIASES });
    const openrouter = fresh({ kind: 'openrouter', apiKey: KEYS.openrouter, models: OPENROUTER_LISTED });
    await credentials.store('openai', { apiKey: KEYS.openai, baseUrl: openai.baseUrl });
    await credentials.store('anthropic', { apiKey: KEYS.anthropic, baseUrl: anthropic.baseUrl });
    await credentials.store('openrouter', { apiKey: KEYS.openrouter, baseUrl: openrouter.baseUrl });
    await credentials.store('my_compat', { apiKey: KEYS.compat }); // no base URL: the catalog's is used
    const compatBefore = catalogCompat.requests().length;
    const ollamaBefore = catalogOllama.requests().length;
    // ollama: no credential at all (requires_api_key: false), probed at the catalog base URL.

    const sweep = await health.checkAll();

    expect(sweep.errors).toEqual([]);
    const byProvider = Object.fromEntries(sweep.results.map((r) => [r.provider, r]));
    expect(Object.keys(byProvider).sort()).toEqual(['anthropic', 'my_compat', 'ollama', 'openai', 'openrouter']);
    const expected = {
      openai: { listedModels: 5, missingModels: ['gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'text-embedding-3-large'] },
      anthropic: { listedModels: 2, missingModels: ['claude-opus-4-1'] }, // aliases resolved via GET /v1/models/{id}
      openrouter: { listedModels: 3, missingModels: ['meta-llama/llama-3.1-70b-instruct'] },
      ollama: { listedModels: 3, missingModels: ['qwen2.5', 'mxbai-embed-large'] }, // llama3.1 = llama3.1:latest
      my_compat: { listedModels: 2, missingModels: ['corp-chat-legacy'] },
    };
    for (const [provider, want] of Object.entries(expected)) {
      const result = byProvider[provider];
      expect(result).toMatchObject({ status: 'healthy', reason: null, consecutiveFailures: 0, probed: true, ...want });
      expect(result.latencyMs).toEqual(expect.any(Number));
      expect(result.latencyMs!).toBeGreaterThanOrEqual(0);

      const summary = await summaryOf(provider);
      expect(summary).toMatchObject({
        enabled: true,
        status: 'healthy',
        reason: null,
        consecutiveFailures: 0,
        uptimePercent24h: 100,
        checks24h: 1,
        drift: want.missingModels,
        // One check: both percentiles are its latency.
        p50LatencyMs24h: result.latencyMs,
        p95LatencyMs24h: result.latencyMs,
      });
      expect(summary.lastCheck).toBeInstanceOf(Date);
      const [row] = await history(provider);
      expect(row).toMatchObject({
        status: 'healthy',
        latency_ms: result.latencyMs,
        error: null,
        listed_models: want.listedModels,
        missing_models: want.missingModels,
      });
    }

    // Each kind spoke its own API with its own auth.
    expect(openai.requests().map((r) => [r.path, r.headers.authorization])).toEqual([
      [`/${openai.name}/v1/models`, `Bearer ${KEYS.openai}`],
    ]);
    const anthropicPaths = anthropic.requests().map((r) => r.path);
    expect(anthropicPaths[0]).toBe(`/${anthropic.name}/v1/models?limit=1000`);
    expect(anthropicPaths.slice(1).sort()).toEqual(
      ['claude-haiku-4-5', 'claude-opus-4-1', 'claude-sonnet-4-5'].map((id) => `/${anthropic.name}/v1/models/${id}`),
    );
    expect(
      anthropic.requests().every((r) => r.headers['x-api-key'] === KEYS.anthropic && r.headers['anthropic-version'] === '2023-06-01'),
    ).toBe(true);
    const orRequests = openrouter.requests().map((r) => [r.route, r.headers.authorization]);
    expect(orRequests).toEqual(
      expect.arrayContaining([
        ['/api/v1/key', `Bearer ${KEYS.openrouter}`],
        ['/api/v1/models', undefined],
      ]),
    );
    expect(orRequests).toHaveLength(2);
    const ollamaRequests = catalogOllama.requests().slice(ollamaBefore);
    expect(ollamaRequests.map((r) => [r.path, r.headers.authorization])).toEqual([['/catalog-ollama/api/tags', undefined]]);
    const compatRequests = catalogCompat.requests().slice(compatBefore);
    expect(compatRequests.map((r) => [r.path, r.headers.authorization])).toEqual([['/catalog-compat/v1/models', `Bearer ${KEYS.compat}`]]);
  });

  it('401 and 403 make a provider unhealthy at once; 429 only degrades it and leaves the failure streak alone', async () => {
    await boot();
    const availability = registry!.get(AvailabilityService);
    const openai = fresh({ kind: 'openai', apiKey: KEYS.openai, models: OPENAI_LISTED });
    const anthropic = fresh({ kind: 'anthropic', apiKey: KEYS.anthropic, models: ANTHROPIC_LISTED, mode: 'forbidden' });
    const openrouter = fresh({
      kind: 'openrouter',
      apiKey: KEYS.openrouter,
      models: OPENROUTER_LISTED,
      mode: { type: 'rate_limited', retryAfterSeconds: 20 },
    });
    await credentials.store('openai', { apiKey: KEYS.wrong, baseUrl: openai.baseUrl }); // the fake answers 401
    await credentials.store('anthropic', { apiKey: KEYS.anthropic, baseUrl: anthropic.baseUrl });
    await credentials.store('openrouter', { apiKey: KEYS.openrouter, baseUrl: openrouter.baseUrl });

    const unauthorized = await health.check('openai');
    expect(unauthorized).toMatchObject({ status: 'unhealthy', consecutiveFailures: 1, probed: true, listedModels: null });
    expect(unauthorized.reason).toMatch(/^auth failed: .*401/);
    expect(availability.isProviderAvailable('openai')).toMatchObject({ available: false, reason: 'unhealthy' });

    const forbidden = await health.check('anthropic');
    expect(forbidden).toMatchObject({ status: 'unhealthy', consecutiveFailures: 1 });
    expect(forbidden.reason).toMatch(/^auth failed: .*403/);

    const limited = await health.check('openrouter');
    expect(limited).toMatchObject({ status: 'degraded', consecutiveFailures: 0, probed: true });
    expect(limited.reason).toMatch(/rate limited.*429/);
    expect(availability.isProviderAvailable('openrouter')).toEqual({ available: true });
    // Rate limiting again and again never turns into unhealthy, even past HEALTH_UNHEALTHY_AFTER=2.
    expect((await health.check('openrouter')).status).toBe('degraded');
    expect(await health.check('openrouter')).toMatchObject({ status: 'degraded', consecutiveFailures: 0 });

    expect((await history('openai')).map((h) => h.status)).toEqual(['unhealthy']);
    expect((await history('openrouter')).map((h) => h.status)).toEqual(['degraded', 'degraded', 'degraded']);
    // Unhealthy is health, not intent.
    expect((await configs.get('openai')).enabled).toBe(true);
  });

  it('500: degraded, unhealthy after HEALTH_UNHEALTHY_AFTER=2 in a row, healthy after one success; select() steers around it and back', async () => {
    await boot();
    const availability = registry!.get(AvailabilityService);
    const selection = registry!.get(ModelSelectionService);
    const openai = fresh({ kind: 'openai', apiKey: KEYS.openai, models: OPENAI_LISTED });
    const anthropic = fresh({ kind: 'anthropic', apiKey: KEYS.anthropic, models: ANTHROPIC_LISTED, aliases: ANTHROPIC_ALIASES });
    await credentials.store('openai', { apiKey: KEYS.openai, baseUrl: openai.baseUrl });
    await credentials.store('anthropic', { apiKey: KEYS.anthropic, baseUrl: anthropic.baseUrl });

    expect(await health.check('openai')).toMatchObject({ status: 'healthy', consecutiveFailures: 0 });
    expect(selection.select({ modelType: 'text' })).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      source: 'global_default',
      skipped: [],
    });

    openai.setMode('server_error');
    const first = await health.check('openai');
    expect(first).toMatchObject({ status: 'degraded', consecutiveFailures: 1 });
    expect(first.reason).toMatch(/500.*\(failure 1 in a row\)/);
    // Degraded is still available: a slow or flaky provider beats none.
    expect(selection.select({ modelType: 'text' })).toMatchObject({ provider: 'openai' });

    const second = await health.check('openai');
    expect(second).toMatchObject({ status: 'unhealthy', consecutiveFailures: 2 });
    expect(second.reason).toMatch(/\(failure 2 in a row\)/);
    expect(availability.isProviderAvailable('openai', 'text')).toMatchObject({ available: false, reason: 'unhealthy' });
    const fallback = selection.select({ modelType: 'text' });
    expect(fallback).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', source: 'fallback' });
    expect(fallback.skipped).toEqual([
      {
        candidate: { provider: 'openai', model: 'gpt-4o-mini', source: 'global_default' },
        reason: 'unhealthy',
        detail: expect.any(String),
      },
    ]);
    expect((await configs.get('openai')).enabled).toBe(true);

    openai.setMode('ok');
    expect(await health.check('openai')).toMatchObject({ status: 'healthy', consecutiveFailures: 0, reason: null });
    expect(availability.isProviderAvailable('openai', 'text')).toEqual({ available: true });
    expect(selection.select({ modelType: 'text' })).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', skipped: [] });

    expect((await history('openai')).map((h) => [h.status, h.error === null])).toEqual([
      ['healthy', true],
      ['degraded', false],
      ['unhealthy', false],
      ['healthy', true],
    ]);
    expect(openai.requests()).toHaveLength(4);
  });

  it('a provider without a usable credential is unknown and never called; once usable it is probed', async () => {
    await boot();
    const before = catalogAnthropic.requests().length;

    // No credential at all (anthropic needs a key; its catalog base URL is the fake).
    const none = await health.check('anthropic');
    expect(none).toEqual({
      provider: 'anthropic',
      status: 'unknown',
      reason: expect.stringMatching(/no usable credential/),
      latencyMs: null,
      consecutiveFailures: 0,
      listedModels: null,
      missingModels: [],
      probed: false,
      checkedAt: expect.any(Date),
    });
    // Inactive, then expired: still not called.
    await credentials.store('anthropic', { apiKey: KEYS.anthropic, isActive: false });
    expect(await health.check('anthropic')).toMatchObject({ status: 'unknown', probed: false });
    await credentials.store('anthropic', { apiKey: KEYS.anthropic, expiresAt: new Date(Date.now() + 60_000) });
    await registry!.dataSource.query(`UPDATE ai_credentials SET expires_at = now() - interval '1 minute' WHERE provider = 'anthropic'`);
    expect(await health.check('anthropic')).toMatchObject({ status: 'unknown', probed: false });
    // A sweep skips it the same way.
    const sweep = await health.checkAll();
    expect(sweep.results.find((r) => r.provider === 'anthropic')).toMatchObject({ status: 'unknown', probed: false });
    expect(catalogAnthropic.requests().length - before).toBe(0);
    expect((await summaryOf('anthropic')).status).toBe('unknown');
    // Unknown never counts against uptime.
    expect((await summaryOf('anthropic')).uptimePercent24h).toBeNull();

    // The same fake is reached as soon as the credential is usable: the zero above means something.
    await credentials.store('anthropic', { apiKey: KEYS.anthropic });
    expect(await health.check('anthropic')).toMatchObject({ status: 'healthy', probed: true, missingModels: ['claude-opus-4-1'] });
    expect(catalogAnthropic.requests().length - before).toBeGreaterThan(0);
  });

  it('does not follow a redirect: the key never reaches the other host', async () => {
    await boot();
    const target = elsewhere.add('thief', { kind: 'openai', models: ['gpt-4o'] });
    const openai = fresh({
      kind: 'openai',
      apiKey: KEYS.openai,
      models: OPENAI_LISTED,
      mode: { type: 'redirect', location: `${target.baseUrl}/models`, status: 307 },
    });
    await credentials.store('openai', { apiKey: KEYS.openai, baseUrl: openai.baseUrl });

    const first = await health.check('openai');
    expect(first).toMatchObject({ status: 'degraded', consecutiveFailures: 1, probed: true, listedModels: null });
    expect(first.reason).toMatch(/redirect/i);
    expect(first.reason).toMatch(/307/);
    expect((await health.check('openai')).status).toBe('unhealthy');
    expect(openai.requests()).toHaveLength(2);
    expect(target.requests()).toHaveLength(0);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('rejects unsafe base URLs when the credential is written, and writes nothing', async () => {
    await boot();
    const countRows = async () => (await registry!.dataSource.query(`SELECT count(*)::int AS n FROM ai_credentials`))[0].n as number;
    const bad = [
      'http://169.254.169.254',
      'http://169.254.169.254/latest/meta-data',
      'ftp://example.com/v1',
      'http://user:pw@example.com/v1',
    ];
    for (const baseUrl of bad) {
      const attempt = credentials.store('openai', { apiKey: KEYS.openai, baseUrl });
      await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
      await expect(attempt).rejects.toMatchObject({ field: 'baseUrl', code: 'INVALID_INPUT' });
      const message = await attempt.catch((e: Error) => e.message);
      expect(message).not.toContain(KEYS.openai);
      expect(message).not.toContain('pw@');
    }
    expect(await countRows()).toBe(0);

    // An existing credential is not touched by a rejected replacement either.
    const good = fresh({ kind: 'openai', apiKey: KEYS.openai, models: OPENAI_LISTED });
    await credentials.store('openai', { apiKey: KEYS.openai, baseUrl: good.baseUrl });
    await expect(credentials.store('openai', { apiKey: KEYS.wrong, baseUrl: 'http://169.254.169.254' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(await countRows()).toBe(1);
    expect(await credentials.getProbeCredential('openai')).toMatchObject({ apiKey: KEYS.openai, baseUrl: good.baseUrl });

    // A URL that got into the database some other way no longer matches what the key is bound to:
    // the key cannot be decrypted for it, so nothing is sent anywhere, and availability says why.
    await registry!.dataSource.query(
      `UPDATE ai_credentials SET metadata = jsonb_set(coalesce(metadata, '{}'), '{baseUrl}', '"http://169.254.169.254/v1"') WHERE provider = 'openai'`,
    );
    const refused = await health.check('openai');
    expect(refused).toMatchObject({ status: 'unknown', probed: false });
    expect(refused.reason).toMatch(/could not be decrypted/);
    expect(refused.reason).not.toContain(KEYS.openai);
    expect(good.requests()).toHaveLength(0);
    expect(registry!.get(AvailabilityService).isProviderAvailable('openai')).toMatchObject({
      available: false,
      reason: 'credential_undecryptable',
    });
  });

  it('applies the configured egress ranges when probing: a name resolving into a blocked range is never connected to', async () => {
    await boot({ EGRESS_BLOCKED_RANGES: '127.0.0.0/8,::1' });
    const openai = fresh({ kind: 'openai', apiKey: KEYS.openai, models: OPENAI_LISTED });
    // Stored while allowed (the store-time check uses the built-in policy), probed under the configured one.
    await credentials.store('openai', { apiKey: KEYS.openai, baseUrl: openai.baseUrl.replace('127.0.0.1', 'localhost') });
    const connectionsBefore = fake.connectionCount;
    const refused = await health.check('openai');
    expect(refused.reason).toMatch(/localhost resolves to .* in a blocked range/);
    expect(fake.connectionCount).toBe(connectionsBefore);
    expect(openai.requests()).toHaveLength(0);
    await credentials.store('openai', { apiKey: KEYS.openai, baseUrl: openai.baseUrl });
    const literal = await health.check('openai');
    expect(literal).toMatchObject({ status: 'unknown', probed: false });
    expect(literal.reason).toMatch(/base URL rejected: .*blocked range/);
    expect(fake.connectionCount).toBe(connectionsBefore);
  });

  it('never changes enabled: a provider disabled while its probe is in flight stays disabled', async () => {
    await boot();
    const availability = registry!.get(AvailabilityService);
    const openai = fresh({ kind: 'openai', apiKey: KEYS.openai, models: OPENAI_LISTED, mode: { type: 'slow', delayMs: 600 } });
    await credentials.store('openai', { apiKey: KEYS.openai, baseUrl: openai.baseUrl });

    const sweep = health.checkAll();
    await waitFor(() => openai.requests().length === 1, 2000, 'the openai probe to reach the fake');
    expect(openai.requests()[0].closedAt).toBeNull(); // still in flight
    await configs.disable('openai');
    const afterDisable = await configs.get('openai');
    expect(afterDisable.enabled).toBe(false);

    const result = await sweep;
    expect(openai.requests()[0].answered).toBe(true);
    expect(result.results.find((r) => r.provider === 'openai')).toMatchObject({ status: 'healthy', probed: true });

    const after = await configs.get('openai');
    expect(after.enabled).toBe(false);
    expect(after.health).toMatchObject({ status: 'healthy', consecutiveFailures: 0 });
    expect(after.health.lastCheck!.getTime()).toBeGreaterThanOrEqual(afterDisable.updatedAt.getTime());
    // Health writes touch health columns only: updated_at still records the operator's change.
    expect(after.updatedAt).toEqual(afterDisable.updatedAt);
    expect(availability.isProviderAvailable('openai')).toMatchObject({ available: false, reason: 'disabled' });

    // The next sweep leaves the disabled provider alone.
    const next = await health.checkAll();
    expect(next.results.map((r) => r.provider)).not.toContain('openai');
    expect(openai.requests()).toHaveLength(1);

    // Failures do not switch a provider off either.
    await configs.enable('openai');
    openai.setMode('unauthorized');
    expect((await health.check('openai')).status).toBe('unhealthy');
    expect((await configs.get('openai')).enabled).toBe(true);
  });

  it('appends history per check, prunes rows older than HEALTH_HISTORY_DAYS, and summarises the last 24 h (uptime, p50, p95)', async () => {
    await boot(); // HEALTH_HISTORY_DAYS=7
    const openai = fresh({ kind: 'openai', apiKey: KEYS.openai, models: OPENAI_LISTED });
    await credentials.store('openai', { apiKey: KEYS.openai, baseUrl: openai.baseUrl });

    // Real checks: each appends one row that matches its result.
    const statuses: string[] = [];
    for (const mode of ['ok', 'ok', 'server_error', 'server_error'] as const) {
      openai.setMode(mode);
      const result = await health.check('openai');
      statuses.push(result.status);
      const rows = await history('openai');
      expect(rows).toHaveLength(statuses.length);
      expect(rows[rows.length - 1]).toMatchObject({ status: result.status, latency_ms: result.latencyMs, error: result.reason });
    }
    expect(statuses).toEqual(['healthy', 'healthy', 'degraded', 'unhealthy']);
    const openaiLatencies = (await history('openai')).map((h) => h.latency_ms!);
    const openaiSummary = await summaryOf('openai');
    expect(openaiSummary).toMatchObject({
      status: 'unhealthy',
      checks24h: 4,
      uptimePercent24h: 75, // degraded counts as up, unhealthy as down
      p50LatencyMs24h: Math.round(percentileCont(openaiLatencies, 0.5)),
      p95LatencyMs24h: Math.round(percentileCont(openaiLatencies, 0.95)),
      drift: [], // the latest check failed: no list, no drift claim
    });

    // Known history for anthropic: 11 probed rows in the last 24 h, one unknown, older rows that must not count.
    const [{ id: anthropicId }] = await registry!.dataSource.query(`SELECT id FROM provider_configs WHERE provider = 'anthropic'`);
    const recent: Array<[string, number | null, string]> = [
      // [status, latency, age]
      ['healthy', 100, '1 minute'],
      ['healthy', 0, '2 minutes'],
      ['unhealthy', 50, '3 minutes'],
      ['healthy', 10, '4 minutes'],
      ['degraded', 90, '5 minutes'],
      ['healthy', 20, '6 minutes'],
      ['healthy', 80, '7 minutes'],
      ['unhealthy', 30, '8 minutes'],
      ['healthy', 70, '9 minutes'],
      ['healthy', 40, '10 minutes'],
      ['healthy', 60, '23 hours'],
      ['unknown', null, '30 seconds'],
    ];
    const old: Array<[string, number | null, string]> = [
      ['unhealthy', 10_000, '2 days'],
      ['unhealthy', 10_000, '6 days'],
      ['unhealthy', 10_000, '3 days'],
      ['unhealthy', 20_000, '8 days'],
      ['unhealthy', 20_000, '30 days'],
    ];
    await registry!.dataSource.query(
      `INSERT INTO provider_health_checks (provider_config_id, status, latency_ms, missing_models, checked_at)
       SELECT $1, d.status, d.latency, CASE WHEN d.age = '30 seconds' THEN '["claude-opus-4-1"]'::jsonb ELSE '[]'::jsonb END, now() - d.age::interval
       FROM unnest($2::text[], $3::int[], $4::text[]) AS d(status, latency, age)`,
      [anthropicId, [...recent, ...old].map((r) => r[0]), [...recent, ...old].map((r) => r[1]), [...recent, ...old].map((r) => r[2])],
    );
    const expectedAnthropic = {
      checks24h: 12,
      uptimePercent24h: 81.8, // 9 of 11 probed rows not unhealthy; the unknown row is left out
      p50LatencyMs24h: 50, // percentile_cont over 0, 10, …, 100
      p95LatencyMs24h: 95,
      drift: ['claude-opus-4-1'], // from the latest row
    };
    expect(await summaryOf('anthropic')).toMatchObject(expectedAnthropic);

    const countAll = async () => (await registry!.dataSource.query(`SELECT count(*)::int AS n FROM provider_health_checks`))[0].n as number;
    const beforePrune = await countAll();
    expect(await health.pruneHistory()).toBe(2); // the 8- and 30-day-old rows
    expect(await countAll()).toBe(beforePrune - 2);
    const [{ oldest }] = await registry!.dataSource.query(`SELECT min(checked_at) AS oldest FROM provider_health_checks`);
    expect(Date.now() - (oldest as Date).getTime()).toBeLessThan(7 * 24 * 3600 * 1000);
    expect(Date.now() - (oldest as Date).getTime()).toBeGreaterThan(5.9 * 24 * 3600 * 1000); // the 6-day row survived
    expect(await health.pruneHistory()).toBe(0);
    expect(await summaryOf('anthropic')).toMatchObject(expectedAnthropic);
    expect(await history('openai')).toHaveLength(4);
  });

  it('never writes an API key to a log line, the database or the summary, across sweeps that fail in every way', async () => {
    const logs = captureLogs();
    try {
      await boot({ HEALTH_CHECK_INTERVAL_MS: '0' });
      const scheduler = registry!.get(HealthScheduler);
      // openai: a careless server that echoes the wrong key verbatim in its 401 body.
      const openai = fresh({ kind: 'openai', apiKey: KEYS.openai, models: OPENAI_LISTED, echoKeyInErrors: true });
      const anthropic = fresh({
        kind: 'anthropic',
        apiKey: KEYS.anthropic,
        models: ANTHROPIC_LISTED,
        aliases: ANTHROPIC_ALIASES,
        echoKeyInErrors: true,
      });
      const openrouter = fresh({ kind: 'openrouter', apiKey: KEYS.openrouter, models: OPENROUTER_LISTED });
      await credentials.store('openai', { apiKey: KEYS.wrong, baseUrl: openai.baseUrl });
      await credentials.store('anthropic', { apiKey: KEYS.openai, baseUrl: anthropic.baseUrl }); // wrong key, echoed too
      await credentials.store('openrouter', { apiKey: KEYS.openrouter, baseUrl: openrouter.baseUrl });
      await credentials.store('my_compat', { apiKey: KEYS.compat });

      // The leak source is real: the fake does put the presented key in its error body.
      const echoed = await fetch(`${openai.baseUrl}/models`, { headers: { authorization: `Bearer ${KEYS.wrong}` } });
      expect(await echoed.text()).toContain(KEYS.wrong);

      expect(await scheduler.tick()).toBe(true); // sweep 1: openai and anthropic 401 (echoed), others healthy
      openrouter.setMode('server_error');
      catalogCompat.setMode('rate_limited');
      expect(await scheduler.tick()).toBe(true); // sweep 2: 500 and 429
      // sweep 3: a credential that cannot be decrypted is not sent anywhere; the check says why.
      await registry!.dataSource.query(`UPDATE ai_credentials SET encrypted_credentials = 'v1:k1:AAAA' WHERE provider = 'openrouter'`);
      expect(await scheduler.tick()).toBe(true);
      catalogCompat.setMode('ok');

      const summary = await health.summary();
      const dbText: string = (
        await registry!.dataSource.query(
          `SELECT coalesce(string_agg(to_jsonb(p)::text, ' '), '') || coalesce((SELECT string_agg(to_jsonb(h)::text, ' ') FROM provider_health_checks h), '') AS text
           FROM provider_configs p`,
        )
      )[0].text;
      await registry!.close();

      // The capture works and saw the sweeps, the stored credentials and the failed check.
      const sweepLines = logs.lines.filter((l) => /Health sweep: \d+ provider\(s\)/.test(l));
      expect(sweepLines).toHaveLength(3);
      expect(sweepLines[2]).toMatch(/5 provider\(s\) in \d+ ms$/);
      expect(logs.lines.some((l) => /Stored api_key credential .* for provider openai/.test(l))).toBe(true);
      expect(summary.find((s) => s.provider === 'openrouter')?.reason).toMatch(/could not be decrypted/);
      expect(summary.find((s) => s.provider === 'openai')?.reason).toMatch(/auth failed.*401/);
      expect(summary.find((s) => s.provider === 'anthropic')?.reason).toMatch(/auth failed.*401/);
      expect(openai.requests().some((r) => r.headers.authorization === `Bearer ${KEYS.wrong}`)).toBe(true);

      expect(logs.linesContaining(SECRETS)).toEqual([]);
      expect(SECRETS.filter((s) => JSON.stringify(summary).includes(s))).toEqual([]);
      expect(SECRETS.filter((s) => dbText.includes(s))).toEqual([]);
    } finally {
      logs.restore();
      catalogCompat.setMode('ok');
    }
  });
});

describe(`${HealthService.name} sweep of 40 providers`, () => {
  // Long enough that the 32 quick probes all start within one timeout on a loaded 2-core machine (at
  // 1 s a busy CI run saw the first hung probe time out before the last one started): the waves
  // below are about the pool's order, not about how fast this machine is.
  const TIMEOUT_MS = 3000;
  const CONCURRENCY = 8;
  let db: TestDatabase;
  let registry: RegistryContext;
  let catalogPath40: string;
  const compat: FakeProvider[] = [];

  beforeAll(async () => {
    // Spread the hanging ones over the order: every fourth provider hangs.
    for (let i = 0; i < 40; i++) {
      compat.push(
        fake.add(`sweep40-${String(i).padStart(2, '0')}`, { kind: 'openai', models: [`model-${i}`], mode: i % 4 === 0 ? 'hang' : 'ok' }),
      );
    }
    catalogPath40 = writeCatalogVariant((doc) => {
      compat.forEach((fp, i) => {
        doc.providers[`bulk_${String(i).padStart(2, '0')}`] = {
          display_name: `Bulk ${i}`,
          probe: 'openai_compatible',
          base_url: fp.baseUrl,
          requires_api_key: false,
          priority: 100 + i,
          text_models: [{ id: `model-${i}`, name: `Model ${i}`, context_length: 8192 }],
        };
      });
    });
    db = await createTestDatabase();
    registry = await startRegistry(db, {
      CATALOG_PATH: catalogPath40,
      HEALTH_TIMEOUT_MS: String(TIMEOUT_MS),
      HEALTH_CONCURRENCY: String(CONCURRENCY),
    });
    const configs = registry.get(ProviderConfigService);
    for (const provider of ['openai', 'anthropic', 'openrouter', 'ollama']) await configs.disable(provider); // exactly the 40
  });

  afterAll(async () => {
    await registry?.close();
    await db?.drop();
  });

  /** Most requests the fake had open at one moment, among these providers' requests since `from`. */
  function maxInFlight(from: number): number {
    const names = new Set(compat.map((fp) => fp.name));
    const events = fake.requests
      .slice(from)
      .filter((r) => r.provider && names.has(r.provider))
      .flatMap((r) => [
        [r.receivedAt, 1],
        [r.closedAt ?? Number.MAX_SAFE_INTEGER, -1],
      ])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]); // at the same ms, count the close first
    let open = 0;
    let max = 0;
    for (const [, delta] of events) max = Math.max(max, (open += delta));
    return max;
  }

  /**
   * The requests since `from` that were never answered (the probe timed out) as the fake saw them,
   * in waves: a request's wave is one more than the latest wave of any such request that had closed
   * before it started. N waves means some slot waited for N timeouts back to back.
   */
  function hangingWaves(from: number): { waves: number; mostAtOnce: number } {
    const names = new Set(compat.map((fp) => fp.name));
    const requests = fake.requests
      .slice(from)
      .filter((r) => r.provider && names.has(r.provider) && !r.answered)
      .sort((a, b) => a.receivedAt - b.receivedAt);
    const wave = new Map<(typeof requests)[number], number>();
    let mostAtOnce = 0;
    for (const r of requests) {
      const before = requests.filter((q) => q !== r && q.closedAt !== null && q.closedAt <= r.receivedAt);
      wave.set(r, 1 + Math.max(0, ...before.map((q) => wave.get(q) ?? 0)));
      // Hanging requests open when r started (r included; a close in the same ms counts as first).
      mostAtOnce = Math.max(
        mostAtOnce,
        requests.filter((q) => q.receivedAt <= r.receivedAt && (q.closedAt === null || q.closedAt > r.receivedAt)).length,
      );
    }
    return { waves: Math.max(0, ...wave.values()), mostAtOnce };
  }

  async function sweep() {
    const from = fake.requests.length;
    const started = performance.now();
    const result = await registry.get(HealthService).checkAll();
    const measuredMs = Math.round(performance.now() - started);
    const sequentialMs = result.results.reduce((sum, r) => sum + (r.latencyMs ?? 0), 0);
    return { result, measuredMs, sequentialMs, inFlight: maxInFlight(from), ...hangingWaves(from) };
  }

  it(`10 of 40 hanging, HEALTH_TIMEOUT_MS=${TIMEOUT_MS}, HEALTH_CONCURRENCY=${CONCURRENCY}: two timeout waves, not ten`, async () => {
    // 10 hanging probes on 8 slots: some slot must run two of them back to back (two timeout waves),
    // and a correct pool never makes any slot wait for a third. Timings are printed, not asserted.
    const { result, measuredMs, sequentialMs, inFlight, waves, mostAtOnce } = await sweep();
    printFigure(
      `40-provider sweep, 10 hanging: measured ${measuredMs} ms (checkAll says ${result.durationMs} ms); ` +
        `sequential estimate ${sequentialMs} ms (sum of probe latencies); max in flight ${inFlight}; ${waves} timeout waves, ${mostAtOnce} hanging at once`,
    );
    expect(result.results).toHaveLength(40);
    expect(result.errors).toEqual([]);
    const hung = result.results.filter((r) => r.status === 'degraded');
    expect(hung.map((r) => r.provider).sort()).toEqual(
      compat.map((_, i) => `bulk_${String(i).padStart(2, '0')}`).filter((_, i) => i % 4 === 0),
    );
    expect(hung.every((r) => r.reason?.includes(`timed out after ${TIMEOUT_MS}ms`))).toBe(true);
    expect(result.results.filter((r) => r.status === 'healthy')).toHaveLength(30);
    expect(inFlight).toBe(CONCURRENCY);
    // Every slot held a hanging probe at once (the first wave), the other two came after a timeout.
    expect(mostAtOnce).toBe(CONCURRENCY);
    expect(waves).toBe(2);
    // The timed-out requests were abandoned: the fake sees every hung socket closed.
    await waitFor(() => fake.openRequests().every((r) => !r.provider?.startsWith('sweep40-')), 10_000, 'the hung sockets to close');
    expect(sequentialMs).toBeGreaterThanOrEqual(10 * TIMEOUT_MS);
    expect(measuredMs).toBeGreaterThanOrEqual(2 * TIMEOUT_MS - 20); // two timeouts back to back cannot take less
  });

  it(`8 of 40 hanging (one per slot): a single timeout wave`, async () => {
    compat[0].setMode('ok');
    compat[4].setMode('ok');
    const { result, measuredMs, sequentialMs, inFlight, waves, mostAtOnce } = await sweep();
    printFigure(
      `40-provider sweep, 8 hanging: measured ${measuredMs} ms (checkAll says ${result.durationMs} ms); ` +
        `sequential estimate ${sequentialMs} ms (sum of probe latencies); max in flight ${inFlight}; ${waves} timeout wave(s), ${mostAtOnce} hanging at once`,
    );
    expect(result.results.filter((r) => r.status === 'healthy')).toHaveLength(32);
    // The 8 that hang again now count a second failure in a row: unhealthy (HEALTH_UNHEALTHY_AFTER defaults to 2).
    expect(result.results.filter((r) => r.status === 'unhealthy')).toHaveLength(8);
    expect(inFlight).toBeLessThanOrEqual(CONCURRENCY);
    // All 8 hung at the same time and none waited behind another's timeout.
    expect(mostAtOnce).toBe(8);
    expect(waves).toBe(1);
    expect(sequentialMs).toBeGreaterThanOrEqual(8 * TIMEOUT_MS);
    expect(measuredMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
  });

  it('a sweep cancelled mid-way (shutdown) records nothing for the probes it cut short or never started', async () => {
    // A timeout no hanging probe can reach while the test waits, so what ends them is the cancel alone.
    await registry.close();
    registry = await startRegistry(db, {
      CATALOG_PATH: catalogPath40,
      HEALTH_TIMEOUT_MS: '600000',
      HEALTH_CONCURRENCY: String(CONCURRENCY),
    });
    const dataSource = registry.dataSource;
    const snapshot = async (): Promise<
      Record<string, { health_status: string; consecutive_failures: number; last_error: string | null; rows: number }>
    > =>
      Object.fromEntries(
        (
          await dataSource.query(
            `SELECT p.provider, p.health_status, p.consecutive_failures, p.last_error, count(h.id)::int AS rows
             FROM provider_configs p LEFT JOIN provider_health_checks h ON h.provider_config_id = p.id
             WHERE p.enabled GROUP BY p.id`,
          )
        ).map(({ provider, ...rest }: { provider: string }) => [provider, rest]),
      );
    const before = await snapshot();
    const hanging = ['bulk_08', 'bulk_12', 'bulk_16', 'bulk_20', 'bulk_24', 'bulk_28', 'bulk_32', 'bulk_36'];
    expect(hanging.map((p) => before[p].health_status)).toEqual(Array(8).fill('unhealthy'));

    // Cancel (as shutdown does) once all 8 slots hold a hanging probe.
    const controller = new AbortController();
    const from = fake.requests.length;
    const pending = registry.get(HealthService).checkAll(controller.signal);
    const hangingOpen = () =>
      fake.requests.slice(from).filter((r) => r.closedAt === null && /sweep40-(08|12|16|20|24|28|32|36)/.test(r.path));
    await waitFor(() => hangingOpen().length === 8, 30_000, 'the hanging probes to fill every slot');
    controller.abort();
    const result = await pending;
    // The cancel, not a timeout, ended them: the fake saw each of them closed by the client unanswered.
    await waitFor(() => hangingOpen().length === 0, 10_000, 'the cancelled probes to close');
    expect(
      fake.requests
        .slice(from)
        .filter((r) => /sweep40-(08|12|16|20|24|28|32|36)/.test(r.path))
        .every((r) => !r.answered),
    ).toBe(true);

    const after = await snapshot();
    const recorded = new Set(result.results.map((r) => r.provider));
    expect(result.errors).toEqual([]);
    expect(result.results.every((r) => r.status === 'healthy')).toBe(true);
    expect(hanging.filter((p) => recorded.has(p))).toEqual([]);
    expect(recorded.size).toBeGreaterThanOrEqual(20); // those before the 8th hanging one at least
    for (const provider of Object.keys(before)) {
      if (recorded.has(provider)) {
        expect(after[provider]).toMatchObject({ health_status: 'healthy', rows: before[provider].rows + 1 });
      } else {
        // Cut short or never started: same status, streak, error and history as before the sweep.
        expect({ provider, ...after[provider] }).toEqual({ provider, ...before[provider] });
      }
    }
  });
});
