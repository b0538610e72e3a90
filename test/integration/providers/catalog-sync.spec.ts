import { CreateAiCredentials1764000000000 } from '../../../src/database/migrations/1764000000000-CreateAiCredentials';
import { CatalogSyncService } from '../../../src/registry/catalog-sync/catalog-sync.service';
import { CatalogError } from '../../../src/registry/catalog/catalog.errors';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { ProviderConfigService } from '../../../src/registry/provider-settings/provider-config.service';
import { writeCatalogVariant } from '../../support/catalog-files';
import { RegistryContext, freshRegistryEachTest } from '../../support/registry-app';

describe(CatalogSyncService.name, () => {
  const perTest = freshRegistryEachTest();
  let registry: RegistryContext;

  it('creates the catalog providers at first start, and a second sync has nothing to do', async () => {
    registry = await perTest.start();
    const configs = await registry.get(ProviderConfigService).list();
    expect(configs.map((c) => c.provider).sort()).toEqual(['anthropic', 'ollama', 'openai', 'openrouter']);
    const openai = configs.find((c) => c.provider === 'openai')!;
    expect(openai).toMatchObject({ displayName: 'OpenAI', enabled: true, inCatalog: true });
    expect(openai.capabilities).toMatchObject({ probe: 'openai', requiresApiKey: true });

    const again = await registry.get(CatalogSyncService).sync();
    expect(again).toMatchObject({ created: [], updated: [], pruned: [] });
    expect(again.unchanged.sort()).toEqual(['anthropic', 'ollama', 'openai', 'openrouter']);
  });

  it('gives an upgraded install (configs backfilled from old credentials) the whole catalog at start', async () => {
    const baseline = await (await perTest.recreate({ migrated: false })).dataSource();
    await baseline.query(
      `CREATE TABLE IF NOT EXISTS migrations (id SERIAL PRIMARY KEY, "timestamp" bigint NOT NULL, name varchar NOT NULL)`,
    );
    const runner = baseline.createQueryRunner();
    await new CreateAiCredentials1764000000000().up(runner).finally(() => runner.release());
    await baseline.query(`INSERT INTO migrations ("timestamp", name) VALUES (1764000000000, 'CreateAiCredentials1764000000000')`);
    await baseline.query(`INSERT INTO ai_credentials (provider, encrypted_credentials) VALUES ('openai', 'legacy-ciphertext')`);

    registry = await perTest.start();
    const configs = await registry.get(ProviderConfigService).list();
    expect(configs.map((c) => c.provider).sort()).toEqual(['anthropic', 'ollama', 'openai', 'openrouter']);
    const openai = configs.find((c) => c.provider === 'openai')!;
    expect(openai.displayName).toBe('OpenAI');
    expect(openai.capabilities).toMatchObject({ probe: 'openai' });
    const [{ n }] = await registry.dataSource.query(`SELECT count(*)::int AS n FROM ai_credentials WHERE provider_config_id = $1`, [
      openai.id,
    ]);
    expect(n).toBe(1);
  });

  it('updates catalog fields of existing rows but never enabled, ui_preferences, usage or health', async () => {
    registry = await perTest.start();
    const configs = registry.get(ProviderConfigService);
    await configs.disable('openai');
    await configs.updateUIPreferences('openai', { color: '#10a37f', pinned: true });
    await registry.dataSource.query(
      `UPDATE provider_configs SET usage_count = 42, health_status = 'degraded', consecutive_failures = 1 WHERE provider = 'openai'`,
    );
    await registry.close();

    const changed = writeCatalogVariant((doc) => {
      doc.providers.openai.display_name = 'OpenAI (renamed)';
      doc.providers.openai.priority = 5;
      doc.providers.openai.text_models.push({ id: 'gpt-new', name: 'GPT New', context_length: 1000 });
    });
    registry = await perTest.start({ CATALOG_PATH: changed });
    const sync = registry.get(CatalogSyncService);

    const dry = await sync.sync({ dryRun: true });
    expect(dry.updated).toEqual([
      {
        provider: 'openai',
        changes: expect.arrayContaining([
          { field: 'displayName', from: 'OpenAI', to: 'OpenAI (renamed)' },
          { field: 'priority', from: 10, to: 5 },
          expect.objectContaining({ field: 'capabilities' }),
        ]),
      },
    ]);
    expect((await registry.get(ProviderConfigService).get('openai')).displayName).toBe('OpenAI');

    const real = await sync.sync();
    expect(real.updated.map((u) => u.provider)).toEqual(['openai']);
    const openai = await registry.get(ProviderConfigService).get('openai');
    expect(openai).toMatchObject({
      displayName: 'OpenAI (renamed)',
      priority: 5,
      enabled: false,
      uiPreferences: { color: '#10a37f', pinned: true },
      usageCount: 42,
      health: { status: 'degraded', consecutiveFailures: 1 },
    });
    expect((openai.capabilities as { textModels: Array<{ id: string }> }).textModels.map((m) => m.id)).toContain('gpt-new');
    expect((await sync.sync()).updated).toEqual([]);
  });

  it('prune disables providers that left the catalog and keeps their credentials', async () => {
    registry = await perTest.start();
    await registry.get(CredentialsService).store('openrouter', { apiKey: 'sk-or-v1-abcdefghijklmnop1234' });
    await registry.close();

    const smaller = writeCatalogVariant((doc) => {
      delete doc.providers.openrouter;
      doc.fallback_chain.text = doc.fallback_chain.text.filter((c: { provider: string }) => c.provider !== 'openrouter');
    });
    registry = await perTest.start({ CATALOG_PATH: smaller });
    const sync = registry.get(CatalogSyncService);

    const withoutPrune = await sync.sync();
    expect(withoutPrune).toMatchObject({ pruned: [], notInCatalog: ['openrouter'] });
    expect((await registry.get(ProviderConfigService).get('openrouter')).enabled).toBe(true);

    expect((await sync.sync({ prune: true, dryRun: true })).pruned).toEqual(['openrouter']);
    expect((await registry.get(ProviderConfigService).get('openrouter')).enabled).toBe(true);

    expect((await sync.sync({ prune: true })).pruned).toEqual(['openrouter']);
    expect((await registry.get(ProviderConfigService).get('openrouter')).enabled).toBe(false);
    expect(await registry.get(CredentialsService).list({ provider: 'openrouter' })).toHaveLength(1);
    expect((await sync.sync({ prune: true })).pruned).toEqual([]);
  });

  it('refuses to start on an invalid catalog, naming the file, the path and the rule', async () => {
    const broken = writeCatalogVariant((doc) => {
      doc.providers.openai.text_models[1].context_length = -5;
      doc.defaults.text = { provider: 'nobody', model: 'x' };
    });
    const started = perTest.start({ CATALOG_PATH: broken });
    await expect(started).rejects.toThrow(CatalogError);
    await expect(started).rejects.toThrow(`${broken}: providers.openai.text_models[1].context_length`);
    await expect(started).rejects.toThrow(/defaults\.text\.provider/);
  });
});
