import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { NO_USABLE_CREDENTIAL } from '../../../src/registry/health/combined-health';
import { HealthScheduler } from '../../../src/registry/health/active/health-scheduler.service';
import { HealthService } from '../../../src/registry/health/active/health.service';
import { FakeProviderServer } from '../../support/fake-provider-server';
import { freshRegistryEachTest } from '../../support/registry-app';
import { waitFor } from '../../support/server-process';

const KEY = 'sk-proj-Fresh7Q2w9E4r6T8y0U1iKeyForProbes';
const OTHER_KEY = 'sk-proj-Fresh3M5n7B9v1C3xReplacedKey0000';

/**
 * With scheduled health on, a credential stored (or replaced) is probed at once: the health the API
 * shows is the new key's within a probe's time, not the last sweep's "no usable credential" for the
 * next five minutes.
 */
describe('a stored credential is probed at once', () => {
  const perTest = freshRegistryEachTest();
  const fake = new FakeProviderServer();

  beforeAll(() => fake.start());
  afterAll(() => fake.close());

  it('stored, then replaced with a key the provider refuses: health follows each at once, one probe each', async () => {
    const openai = fake.add('openai', { kind: 'openai', apiKey: KEY, models: ['gpt-4o-mini'] });
    // A sweep at start, then not for an hour: only a probe of the write can change what health says.
    const registry = await perTest.start({ HEALTH_CHECK_INTERVAL_MS: '3600000', HEALTH_TIMEOUT_MS: '5000' });
    const health = registry.get(HealthService);
    const summary = async () => (await health.summary('openai'))[0];
    await waitFor('the first sweep', () => (registry.get(HealthScheduler).sweeps > 0 ? true : undefined));
    await waitFor('its record of openai', async () => ((await summary()).reason === NO_USABLE_CREDENTIAL ? true : undefined));
    expect(openai.requests()).toEqual([]);

    const credentials = registry.get(CredentialsService);
    await credentials.store('openai', { apiKey: KEY, baseUrl: openai.baseUrl });
    expect(
      await waitFor('openai healthy', async () => ((await summary()).status === 'healthy' ? summary() : undefined), 10_000),
    ).toMatchObject({
      status: 'healthy',
      reason: null,
    });
    expect(openai.requests().map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`]);

    await credentials.update('openai', 'api_key', { apiKey: OTHER_KEY });
    const refused = await waitFor(
      'openai unhealthy',
      async () => ((await summary()).status === 'unhealthy' ? summary() : undefined),
      10_000,
    );
    expect(refused.reason).toMatch(/^auth failed: HTTP 401/);
    expect(openai.requests().map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${OTHER_KEY}`]);

    // A change that keeps the key (its UI metadata) probes nothing.
    await credentials.update('openai', 'api_key', { uiMetadata: { label: 'main' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(openai.requests()).toHaveLength(2);
  });

  it('not with scheduled health off (HEALTH_CHECK_INTERVAL_MS=0): nothing is called until asked', async () => {
    const openai = fake.add('openai-off', { kind: 'openai', apiKey: KEY, models: ['gpt-4o-mini'] });
    const registry = await perTest.start();
    await registry.get(CredentialsService).store('openai', { apiKey: KEY, baseUrl: openai.baseUrl });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(openai.requests()).toEqual([]);
  });
});
