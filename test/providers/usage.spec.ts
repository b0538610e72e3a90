import { CredentialsService } from '../../src/providers/credentials/credentials.service';
import { HealthService } from '../../src/providers/health/health.service';
import { ProviderConfigService } from '../../src/providers/provider-configs/provider-config.service';
import { InvalidInputError, UnknownProviderError } from '../../src/providers/providers.errors';
import { UsageService } from '../../src/providers/usage/usage.service';
import { RegistryContext, freshRegistryEachTest } from '../support/registry-app';
import { onRealPostgres } from '../support/test-database';

async function counters(registry: RegistryContext, provider: string) {
  const [row] = await registry.dataSource.query(
    `SELECT p.usage_count::int AS provider_count, p.enabled, p.last_used_at,
            c.usage_count::int AS credential_count, c.input_tokens::int AS input_tokens, c.output_tokens::int AS output_tokens
     FROM provider_configs p LEFT JOIN ai_credentials c ON c.provider_config_id = p.id WHERE p.provider = $1`,
    [provider],
  );
  return row;
}

describe(UsageService.name, () => {
  const perTest = freshRegistryEachTest();
  let registry: RegistryContext;

  it('adds 10,000 concurrent records up exactly, per provider and per credential', async () => {
    registry = await perTest.start({ USAGE_FLUSH_MS: '20' });
    const credential = await registry.get(CredentialsService).store('openai', { apiKey: 'sk-proj-0123456789abcdefghijklmn' });
    const usage = registry.get(UsageService);
    // Records arrive from many async callers while the 20 ms flusher keeps draining the tally.
    await Promise.all(
      Array.from({ length: 10_000 }, (_, i) =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            usage.record(i % 2 ? 'openai' : 'anthropic', { inputTokens: 3, outputTokens: 1, ...(i % 2 ? { credentialId: credential.id } : {}) });
            resolve();
          }),
        ),
      ),
    );
    await usage.flush();
    expect(await counters(registry, 'openai')).toMatchObject({ provider_count: 5000, credential_count: 5000, input_tokens: 15000, output_tokens: 5000 });
    expect(await counters(registry, 'anthropic')).toMatchObject({ provider_count: 5000 });
    expect((await counters(registry, 'openai')).last_used_at).toBeInstanceOf(Date);
  });

  it('flushes what is pending when the app closes', async () => {
    registry = await perTest.start();
    const usage = registry.get(UsageService);
    for (let i = 0; i < 7; i++) usage.record('ollama', { requests: 3 });
    expect((await usage.getUsage()).find((u) => u.provider === 'ollama')).toMatchObject({ usageCount: 0, pending: 21 });
    await registry.close();
    const check = await perTest.db.dataSource();
    const [{ n }] = await check.query(`SELECT usage_count::int AS n FROM provider_configs WHERE provider = 'ollama'`);
    expect(n).toBe(21);
  });

  it('rejects an unknown provider and bad amounts instead of dropping them', async () => {
    registry = await perTest.start();
    const usage = registry.get(UsageService);
    expect(() => usage.record('nobody')).toThrow(UnknownProviderError);
    expect(() => usage.record('openai', { requests: -1 })).toThrow(InvalidInputError);
    expect(() => usage.record('openai', { inputTokens: 1.5 })).toThrow(/inputTokens/);
    expect(() => usage.record('openai', { credentialId: 'x' })).toThrow(/credentialId/);
    await usage.flush();
    expect((await counters(registry, 'openai')).provider_count).toBe(0);
  });

  it('never loses an update when enable/disable, usage flushes and health writes hit one row at once', async () => {
    // Two instances on a real server (own pools); on the embedded database one instance, still concurrent callers.
    registry = await perTest.start();
    const other = onRealPostgres ? await perTest.start() : registry;
    try {
      const rounds = 40;
      const writers: Promise<unknown>[] = [];
      for (let i = 0; i < rounds; i++) {
        const instance = i % 2 ? other : registry;
        instance.get(UsageService).record('openai', { requests: 2 });
        writers.push(instance.get(UsageService).flush());
        writers.push(i % 2 ? instance.get(ProviderConfigService).disable('openai') : instance.get(ProviderConfigService).enable('openai'));
        writers.push(instance.get(HealthService).check('openai')); // no credential: writes health 'unknown' only
      }
      await Promise.all(writers);
      await registry.get(ProviderConfigService).disable('openai');
      await Promise.all([registry.get(UsageService).flush(), other.get(UsageService).flush()]);
      const row = await counters(registry, 'openai');
      expect(row.provider_count).toBe(rounds * 2);
      expect(row.enabled).toBe(false);
      const [health] = await registry.dataSource.query(`SELECT health_status FROM provider_configs WHERE provider = 'openai'`);
      expect(health.health_status).toBe('unknown');
    } finally {
      if (other !== registry) await other.close();
    }
  });
});
