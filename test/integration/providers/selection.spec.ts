import { DataSource } from 'typeorm';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { ProviderConfigService } from '../../../src/registry/provider-settings/provider-config.service';
import { AvailabilityService } from '../../../src/registry/selection/availability.service';
import { ModelSelectionService } from '../../../src/registry/selection/model-selection.service';
import { NoAvailableProviderError } from '../../../src/registry/selection/selection.errors';
import { RegistryContext, startRegistry } from '../../support/registry-app';
import { TestDatabase, createTestDatabase, describeOnRealPostgres } from '../../support/test-database';

describe(ModelSelectionService.name, () => {
  let db: TestDatabase;
  let registry: RegistryContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    registry = await startRegistry(db);
    const credentials = registry.get(CredentialsService);
    await credentials.store('openai', { apiKey: 'sk-proj-0123456789abcdefghijklmn' });
    await credentials.store('anthropic', { apiKey: 'sk-ant-api03-0123456789abcdefghij' });
  });

  afterAll(async () => {
    await registry.close();
    await db.drop();
  });

  it('explains why each provider is or is not available', async () => {
    const availability = registry.get(AvailabilityService);
    expect(availability.isProviderAvailable('openai', 'text')).toEqual({ available: true });
    expect(availability.isProviderAvailable('anthropic', 'embedding')).toMatchObject({ available: false, reason: 'no_model_of_type' });
    expect(availability.isProviderAvailable('openrouter')).toMatchObject({ available: false, reason: 'no_credential' });
    // Ollama needs no key: available until a probe says otherwise.
    expect(availability.isProviderAvailable('ollama', 'text')).toEqual({ available: true });
    expect(availability.isProviderAvailable('nobody')).toMatchObject({ available: false, reason: 'unknown_provider' });
    expect(availability.getAvailableProviders('embedding').map((p) => p.provider)).toEqual(['openai', 'ollama']);
    expect(() => availability.getAvailableProviders('audio' as never)).toThrow(/modelType/);
  });

  it('walks precedence then the fallback chain, skipping disabled and unhealthy providers, without a query', async () => {
    const selection = registry.get(ModelSelectionService);
    expect(selection.select({ modelType: 'text' })).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      source: 'global_default',
      skipped: [],
    });
    expect(selection.select({ modelType: 'text', operation: 'tagging' })).toMatchObject({ provider: 'anthropic', source: 'operation' });
    expect(
      selection.select({ modelType: 'text', commandOverride: { provider: 'openrouter' }, projectPreference: { provider: 'anthropic' } }),
    ).toMatchObject({ provider: 'anthropic', source: 'project_preference', skipped: [{ reason: 'no_credential' }] });

    await registry.get(ProviderConfigService).disable('openai');
    await registry.dataSource.query(`UPDATE provider_configs SET health_status = 'unhealthy' WHERE provider = 'anthropic'`);
    await registry.get(ProviderConfigService).setPriority('anthropic', 20); // any write through the module refreshes

    const dataSource = registry.get(DataSource);
    const query = jest.spyOn(dataSource, 'query');
    const runner = jest.spyOn(dataSource, 'createQueryRunner');
    const fallback = selection.select({ modelType: 'text', operation: 'enrichment' });
    expect(fallback).toMatchObject({ provider: 'ollama', model: 'llama3.1', source: 'fallback' });
    expect(fallback.skipped.map((s) => [s.candidate.provider, s.reason])).toEqual([
      ['openai', 'disabled'],
      ['openai', 'disabled'],
      ['anthropic', 'unhealthy'],
      ['openrouter', 'no_credential'],
    ]);
    expect(query).not.toHaveBeenCalled();
    expect(runner).not.toHaveBeenCalled();
    query.mockRestore();
    runner.mockRestore();

    let error: unknown;
    try {
      selection.select({ modelType: 'embedding' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NoAvailableProviderError);
    expect((error as NoAvailableProviderError).message).toMatch(/openai.*disabled/s);

    await registry.get(ProviderConfigService).enable('openai');
    expect(selection.getAvailableModels('embedding').map((m) => m.model)).toContain('text-embedding-3-small');
  });
});

describeOnRealPostgres(
  'change notifications across instances',
  'LISTEN/NOTIFY needs separate sessions; the embedded database delivers them in-process (test/embedded)',
  () => {
    let db: TestDatabase;
    let a: RegistryContext;
    let b: RegistryContext;

    beforeAll(async () => {
      db = await createTestDatabase();
      a = await startRegistry(db);
      b = await startRegistry(db);
      await a.get(CredentialsService).store('openai', { apiKey: 'sk-proj-0123456789abcdefghijklmn' });
    });

    afterAll(async () => {
      await a.close();
      await b.close();
      await db.drop();
    });

    it('a provider disabled on one instance is unavailable on the other within a moment', async () => {
      const waitFor = async (check: () => boolean) => {
        for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
        return check();
      };
      expect(await waitFor(() => b.get(AvailabilityService).isProviderAvailable('openai').available)).toBe(true);
      await a.get(ProviderConfigService).disable('openai');
      expect(await waitFor(() => b.get(AvailabilityService).isProviderAvailable('openai').available === false)).toBe(true);
      expect(b.get(AvailabilityService).isProviderAvailable('openai')).toMatchObject({ reason: 'disabled' });
    });
  },
);
