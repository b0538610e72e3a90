import { RegistryMetrics } from '../../../src/registry/metrics/registry-metrics';
import { performance } from 'node:perf_hooks';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { HealthService } from '../../../src/registry/health/active/health.service';
import { ProviderConfigService } from '../../../src/registry/provider-settings/provider-config.service';
import { AvailabilityService } from '../../../src/registry/selection/availability.service';
import { ModelSelectionService } from '../../../src/registry/selection/model-selection.service';
import { UsageService } from '../../../src/registry/usage/usage.service';
import { freshRegistryEachTest, RegistryContext } from '../../support/registry-app';
import { waitFor } from '../../support/server-process';
import { describeOnRealPostgres } from '../../support/test-database';

/** Small thresholds so a test can trip a circuit with a handful of calls; resync off, so only notifications carry changes. */
const PASSIVE = {
  PASSIVE_HEALTH_MIN_CALLS: '10',
  PASSIVE_HEALTH_ERROR_PERCENT: '50',
  PASSIVE_HEALTH_WINDOW_MS: '60000',
  PASSIVE_HEALTH_COOLDOWN_MS: '30000',
  PASSIVE_HEALTH_HALF_OPEN_CALLS: '2',
  REGISTRY_RESYNC_MS: '0',
};

const reasonOf = (registry: RegistryContext, provider: string) => {
  const availability = registry.get(AvailabilityService).isProviderAvailable(provider);
  return availability.available ? 'available' : availability.reason;
};

describeOnRealPostgres('passive health and budgets across instances', 'two instances, each with its own LISTEN session', () => {
  const perTest = freshRegistryEachTest();

  it('calls failing on two instances trip the provider on both, with the reason, without touching enabled; the history says traffic decided', async () => {
    const a = await perTest.start(PASSIVE);
    const b = await perTest.start(PASSIVE);
    // Six failures through A's own calls and four reported by another service through B's batch:
    // neither alone reaches the minimum of 10 calls; together, in the shared buckets, they do.
    for (let i = 0; i < 6; i++) a.get(UsageService).record('ollama', { model: 'llama3.1:latest', outcome: 'error', latencyMs: 20 });
    await a.get(UsageService).flush();
    expect(reasonOf(a, 'ollama')).toBe('available');
    const started = performance.now();
    await b.get(UsageService).recordBatch('passive-1', [
      { provider: 'ollama', model: 'llama3.1:latest', outcome: 'timeout', latencyMs: 30_000, requests: 3 },
      { provider: 'ollama', model: 'llama3.1:latest', outcome: 'success', latencyMs: 40 },
    ]);
    // 9 of 10 failed: B decided at once (read-your-writes), A hears of it by notification.
    expect(reasonOf(b, 'ollama')).toBe('tripped');
    const onB = performance.now() - started;
    await waitFor('A to see the trip', () => (reasonOf(a, 'ollama') === 'tripped' ? true : undefined), 10_000);
    const onA = performance.now() - started;
    process.stdout.write(
      `passive health: from the 10th call's write to out of selection: ${onB.toFixed(0)} ms on the writer, ${onA.toFixed(0)} ms on the other instance\n`,
    );

    const detail = a.get(AvailabilityService).isProviderAvailable('ollama');
    expect(detail).toMatchObject({ available: false, reason: 'tripped' });
    expect(!detail.available && detail.detail).toMatch(/tripped: 9 of 10 calls failed in 60 s/);
    expect(() => a.get(ModelSelectionService).select({ modelType: 'text', commandOverride: { provider: 'ollama' } })).toThrow();
    const data = await perTest.db.dataSource();
    expect(await data.query(`SELECT enabled, circuit_state, circuit_trips FROM provider_configs WHERE provider = 'ollama'`)).toEqual([
      { enabled: true, circuit_state: 'open', circuit_trips: 1 },
    ]);
    const [summary] = await a.get(HealthService).summary('ollama');
    expect(summary).toMatchObject({ status: 'unhealthy', decidedBy: 'traffic', circuit: { phase: 'open', trips: 1 } });
    expect(await b.get(RegistryMetrics).registry.getSingleMetricAsString('ai_registry_circuit_transitions_total')).toContain(
      'ai_registry_circuit_transitions_total{provider="ollama",to="open"} 1',
    );
    expect((await a.get(HealthService).history('ollama'))[0]).toMatchObject({
      source: 'traffic',
      status: 'unhealthy',
      reason: 'tripped: 9 of 10 calls failed in 60 s',
    });
  });

  it('passive health turned off (PASSIVE_HEALTH_MIN_CALLS=0): a circuit tripped before does not apply, in selection, trials or views', async () => {
    const a = await perTest.start(PASSIVE);
    for (let i = 0; i < 10; i++) a.get(UsageService).record('ollama', { model: 'llama3.1:latest', outcome: 'error', latencyMs: 20 });
    await a.get(UsageService).flush();
    expect(reasonOf(a, 'ollama')).toBe('tripped');

    const off = await perTest.start({ ...PASSIVE, PASSIVE_HEALTH_MIN_CALLS: '0' });
    expect(reasonOf(off, 'ollama')).toBe('available');
    // More calls than a half-open circuit's trials: none is held back.
    for (let i = 0; i < 5; i++) expect(off.get(ModelSelectionService).takeTrial('ollama')).toBe(true);
    expect((await off.get(ProviderConfigService).get('ollama')).circuit).toEqual({ state: 'closed', until: null, trips: 0, reason: null });
    expect((await off.get(HealthService).summary('ollama'))[0]).toMatchObject({ decidedBy: 'probe', circuit: { phase: 'closed' } });
  });

  it('after the cooldown: half-open lets a few trial calls through; their success closes it, a failure trips it again for twice as long', async () => {
    const a = await perTest.start(PASSIVE);
    const b = await perTest.start(PASSIVE);
    const data = await perTest.db.dataSource();
    const trip = async (key: string) => {
      await a.get(UsageService).recordBatch(key, [{ provider: 'ollama', model: 'llama3.1:latest', outcome: 'error', requests: 10 }]);
    };
    await trip('half-open-1');
    await waitFor('B to see the trip', () => (reasonOf(b, 'ollama') === 'tripped' ? true : undefined), 10_000);
    // The cooldown ends (time moved on by hand rather than waited for: the circuit's end and the
    // outcomes recorded so far go back an hour): every instance sees half-open.
    const endCooldown = async () => {
      await data.query(`UPDATE call_outcome_buckets SET bucket_start = bucket_start - interval '1 hour' WHERE provider = 'ollama'`);
      await data.query(
        `UPDATE provider_configs SET circuit_until = to_timestamp(floor(extract(epoch FROM now()) / 10) * 10) WHERE provider = 'ollama'`,
      );
    };
    await endCooldown();
    await waitFor('B to see half-open', () => (reasonOf(b, 'ollama') === 'available' ? true : undefined), 10_000);

    // Half-open: 2 trial selections on this instance, then it is passed over again.
    const select = () =>
      b
        .get(ModelSelectionService)
        .select({ modelType: 'text', commandOverride: { provider: 'ollama' }, vaultPreference: { provider: 'ollama' } });
    expect(select().provider).toBe('ollama');
    expect(select().provider).toBe('ollama');
    expect(() => select()).toThrow(/trial call/);

    // A failed trial trips it again, for a doubled cooldown.
    await b.get(UsageService).recordBatch('half-open-2', [{ provider: 'ollama', model: 'llama3.1:latest', outcome: 'error' }]);
    const [again] = await data.query(
      `SELECT circuit_trips, extract(epoch FROM circuit_until - circuit_changed_at) AS cooldown_s FROM provider_configs WHERE provider = 'ollama'`,
    );
    expect(again.circuit_trips).toBe(2);
    // 60 s (twice the first 30), then on to the next bucket boundary.
    expect(Number(again.cooldown_s)).toBeGreaterThanOrEqual(60);
    expect(Number(again.cooldown_s)).toBeLessThanOrEqual(70);

    // After that cooldown, two successful trials close it and forget the trips.
    await endCooldown();
    await waitFor('A to see half-open', () => (reasonOf(a, 'ollama') === 'available' ? true : undefined), 10_000);
    await a
      .get(UsageService)
      .recordBatch('half-open-3', [{ provider: 'ollama', model: 'llama3.1:latest', outcome: 'success', requests: 2 }]);
    expect(await data.query(`SELECT circuit_state, circuit_trips FROM provider_configs WHERE provider = 'ollama'`)).toEqual([
      { circuit_state: 'closed', circuit_trips: 0 },
    ]);
    await waitFor(
      'B to see it closed',
      () => (b.get(AvailabilityService).isProviderAvailable('ollama').available ? true : undefined),
      10_000,
    );
    const sources = (await a.get(HealthService).history('ollama')).map((h) => `${h.source} ${h.status} ${h.reason}`);
    expect(sources.slice(0, 3)).toEqual([
      'traffic healthy closed: 2 trial calls succeeded after the cooldown',
      'traffic unhealthy tripped again: 1 of 1 trial calls failed after the cooldown',
      'traffic unhealthy tripped: 10 of 10 calls failed in 60 s',
    ]);
  });

  it('a budget exhausted by recorded usage takes the provider out on every instance until it is raised; spend is exact', async () => {
    const b = await perTest.start({ REGISTRY_RESYNC_MS: '0' });
    // Built last, A's metrics are the ones the process's registry reports (one module per process in production).
    const a = await perTest.start({ REGISTRY_RESYNC_MS: '0' });
    await a.get(CredentialsService).store('openai', { apiKey: 'sk-proj-Budget0123456789abcdefghij' });
    // $0.01 a day; gpt-4o costs $2.50 per million input tokens and $10 per million output tokens.
    await a.get(ProviderConfigService).updateSettings('openai', { budgetUsd: 0.01, budgetWindow: 'day' });
    for (let i = 0; i < 3; i++)
      a.get(UsageService).record('openai', { model: 'gpt-4o', inputTokens: 1000, outputTokens: 100, outcome: 'success' });
    await a.get(UsageService).flush();
    // 3 × ($0.0025 + $0.001) = $0.0105: the budget is spent; B hears of it by notification.
    expect(reasonOf(a, 'openai')).toBe('budget_exhausted');
    expect(await a.get(RegistryMetrics).registry.getSingleMetricAsString('ai_registry_budget_spend_ratio')).toContain(
      'ai_registry_budget_spend_ratio{provider="openai"} 1.05',
    );
    await waitFor('B to see the budget spent', () => (reasonOf(b, 'openai') === 'budget_exhausted' ? true : undefined), 10_000);
    const detail = b.get(AvailabilityService).isProviderAvailable('openai');
    expect(!detail.available && detail.detail).toMatch(/has spent its daily budget \(until \d{4}-\d{2}-\d{2}T00:00:00.000Z\)/);
    expect(b.get(ModelSelectionService).select({ modelType: 'text' }).provider).not.toBe('openai');
    const spend = await b.get(UsageService).spend({ groupBy: ['provider', 'model'] });
    expect(spend.rows).toEqual([
      expect.objectContaining({ provider: 'openai', model: 'gpt-4o', requests: '3', inputTokens: '3000', costUsd: '0.010500' }),
    ]);
    expect(spend.totalUsd).toBe('0.010500');

    // Raised on B: compared with the spend at once, and available again everywhere.
    await b.get(ProviderConfigService).updateSettings('openai', { budgetUsd: 1 });
    expect(reasonOf(b, 'openai')).toBe('available');
    await waitFor('A to see the raised budget', () => (reasonOf(a, 'openai') === 'available' ? true : undefined), 10_000);
    const data = await perTest.db.dataSource();
    expect(await data.query(`SELECT enabled, budget_usd, budget_exhausted_until FROM provider_configs WHERE provider = 'openai'`)).toEqual([
      { enabled: true, budget_usd: '1.0000', budget_exhausted_until: null },
    ]);
    // The operator's budget changes are in the audit trail; the flush's exhausted mark is not.
    const audited = await data.query(
      `SELECT action, before, after FROM audit_events WHERE provider = 'openai' AND action = 'provider.budget_changed' ORDER BY id`,
    );
    expect(audited).toEqual([
      {
        action: 'provider.budget_changed',
        before: { budgetUsd: null, budgetWindow: 'month' },
        after: { budgetUsd: 0.01, budgetWindow: 'day' },
      },
      { action: 'provider.budget_changed', before: { budgetUsd: 0.01 }, after: { budgetUsd: 1 } },
    ]);
  });

  it('spend is counted once per batch, whatever the retries', async () => {
    const a = await perTest.start();
    const batch = [{ provider: 'openai', model: 'gpt-4o-mini', inputTokens: 1_000_000, outputTokens: 0 }];
    await a.get(UsageService).recordBatch('spend-once', batch);
    await a.get(UsageService).recordBatch('spend-once', batch);
    const spend = await a.get(UsageService).spend({ groupBy: ['model', 'day'] });
    expect(spend.rows).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', requests: '1', costUsd: '0.150000' })]);
    expect(spend.rows[0].day).toBe(new Date().toISOString().slice(0, 10));
    await expect(a.get(UsageService).spend({ groupBy: ['color'] })).rejects.toThrow(/groupBy/);
    await expect(a.get(UsageService).spend({ from: '2026-12-31', to: '2026-12-01' })).rejects.toThrow(/to/);
  });
});
