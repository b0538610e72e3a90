import { Gauge } from 'prom-client';
import { ProviderConfigService } from '../../../src/registry/provider-settings/provider-config.service';
import { RegistryMetrics } from '../../../src/registry/metrics/registry-metrics';
import { loadCatalog } from '../../../src/registry/catalog/load-catalog';
import { SHIPPED_CATALOG, generatedProvider, writeCatalogWithGeneratedProviders } from '../../support/catalog-files';
import { freshRegistryEachTest } from '../../support/registry-app';

/**
 * A write (enable/disable through the service, which swaps the snapshot) must not do work
 * proportional to the number of providers. Counted, not timed: the gauges set per write are the
 * same with the shipped catalog and with 2,000 more providers in it, and the health gauge is still
 * right when scraped.
 */
describe('work per write at 2,000 catalog providers', () => {
  const registry = freshRegistryEachTest();
  const generated = 2000;

  async function gaugeSetsPerToggle(catalogPath: string, provider: string): Promise<number> {
    const ctx = await registry.start({ CATALOG_PATH: catalogPath });
    const configs = ctx.get(ProviderConfigService);
    await configs.disable(provider); // warm: the first write after start may load more
    await configs.enable(provider);
    const set = jest.spyOn(Gauge.prototype, 'set');
    try {
      for (let i = 0; i < 5; i++) {
        await configs.disable(provider);
        await configs.enable(provider);
      }
      return set.mock.calls.length / 10;
    } finally {
      set.mockRestore();
      await ctx.close();
    }
  }

  it('sets no more gauges per write than with the shipped catalog alone', async () => {
    const small = await gaugeSetsPerToggle(SHIPPED_CATALOG, 'openai');
    await registry.recreate({ migrated: true });
    const large = await gaugeSetsPerToggle(writeCatalogWithGeneratedProviders(generated), generatedProvider(1234));
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(2);
  });

  it('still reports every provider in the health gauge when scraped', async () => {
    const ctx = await registry.start({ CATALOG_PATH: writeCatalogWithGeneratedProviders(generated) });
    await ctx.get(ProviderConfigService).disable(generatedProvider(7));
    const text = await ctx.get(RegistryMetrics).registry.getSingleMetricAsString('ai_registry_provider_health');
    const samples = text.split('\n').filter((line) => line.startsWith('ai_registry_provider_health{'));
    // One line per provider and status: the shipped ones and the generated ones, all by their slug.
    expect(samples).toHaveLength((loadCatalog(SHIPPED_CATALOG).providers.size + generated) * 4);
    expect(text).toContain(`ai_registry_provider_health{provider="${generatedProvider(7)}",status="unknown"} 1`);
    expect(text).toContain(`ai_registry_provider_health{provider="${generatedProvider(7)}",status="healthy"} 0`);
    await ctx.close();
  });
});
