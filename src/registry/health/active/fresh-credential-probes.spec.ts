import type { CredentialsService } from '../../credentials/credentials.service';
import type { RegistrySettings } from '../../kernel/registry-settings';
import { FreshCredentialProbes } from './fresh-credential-probes';
import { HealthCheckCancelledError, type HealthService } from './health.service';

/** A HealthService whose checks end when the test says, each with the signal it was given. */
function pendingChecks() {
  const calls: Array<{ provider: string; signal?: AbortSignal; finish(): void }> = [];
  const health = {
    check: jest.fn(
      (provider: string, signal?: AbortSignal) =>
        new Promise((resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new HealthCheckCancelledError(provider)));
          calls.push({ provider, signal, finish: () => resolve({ provider, status: 'healthy', reason: null }) });
        }),
    ),
  };
  return { health, calls };
}

function probes(health: unknown, settings: Partial<RegistrySettings> = {}) {
  const credentials = { addWriteListener: jest.fn() };
  const fresh = new FreshCredentialProbes(
    { healthCheckIntervalMs: 300_000, healthConcurrency: 2, ...settings } as RegistrySettings,
    health as HealthService,
    credentials as unknown as CredentialsService,
  );
  fresh.onModuleInit();
  expect(credentials.addWriteListener).toHaveBeenCalledWith(fresh);
  return fresh;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe(FreshCredentialProbes.name, () => {
  it('checks a provider at once when its credential is written, without the write waiting for it', async () => {
    const { health, calls } = pendingChecks();
    const fresh = probes(health);
    expect(fresh.afterWrite('openai')).toBeUndefined();
    expect(calls.map((c) => c.provider)).toEqual(['openai']);
    calls[0].finish();
    await fresh.settled();
  });

  it('runs at most HEALTH_CONCURRENCY at once, one per provider; a provider written again while checked is checked once more after', async () => {
    const { health, calls } = pendingChecks();
    const fresh = probes(health, { healthConcurrency: 2 });
    for (const provider of ['openai', 'openai', 'anthropic', 'openrouter', 'openai']) fresh.afterWrite(provider);
    expect(calls.map((c) => c.provider)).toEqual(['openai', 'anthropic']);
    calls[0].finish();
    await turn();
    // openai was written again (twice) before openrouter was: it goes first, checked once.
    expect(calls.map((c) => c.provider)).toEqual(['openai', 'anthropic', 'openai']);
    calls[1].finish();
    await turn();
    expect(calls.map((c) => c.provider)).toEqual(['openai', 'anthropic', 'openai', 'openrouter']);
    calls[2].finish();
    calls[3].finish();
    await fresh.settled();
    expect(health.check).toHaveBeenCalledTimes(4);
  });

  it('is off with scheduled health (HEALTH_CHECK_INTERVAL_MS=0)', () => {
    const { health } = pendingChecks();
    probes(health, { healthCheckIntervalMs: 0 }).afterWrite('openai');
    expect(health.check).not.toHaveBeenCalled();
  });

  it('cancels its checks at shutdown, drops the waiting ones and takes no more', async () => {
    const { health, calls } = pendingChecks();
    const fresh = probes(health, { healthConcurrency: 1 });
    fresh.afterWrite('openai');
    fresh.afterWrite('anthropic');
    await fresh.beforeApplicationShutdown();
    expect(calls[0].signal?.aborted).toBe(true);
    fresh.afterWrite('openrouter');
    expect(calls.map((c) => c.provider)).toEqual(['openai']);
  });

  it('a check that fails is logged, never thrown', async () => {
    const health = { check: jest.fn(() => Promise.reject(new Error('database went away'))) };
    const fresh = probes(health);
    fresh.afterWrite('openai');
    await expect(fresh.settled()).resolves.toBeUndefined();
  });
});
