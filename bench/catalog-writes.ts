import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { generateKey } from '../src/registry/key-ring/key-ring';
import { ProviderConfigService } from '../src/registry/provider-settings/provider-config.service';
import { SHIPPED_CATALOG, generatedProvider, writeCatalogWithGeneratedProviders } from '../test/support/catalog-files';
import { createBenchDatabase } from './support/bench-database';
import { bootRegistry, migrate } from './support/bench-registry';
import { median } from './support/load';

/**
 * Writes (enable/disable through ProviderConfigService, each swapping the snapshot) with the shipped
 * catalog and with 2,000 more providers in the catalog, on the local PostgreSQL: every provider is a
 * catalog provider, so per-provider work (metric labels, the snapshot) is not folded away. Rounds
 * alternate between the two registries, both up at once, so load on the machine hits both alike.
 */

export interface CatalogWrites {
  generated: number;
  small: number;
  large: number;
}

async function registryWith(label: string, catalogPath: string): Promise<{ app: INestApplicationContext; drop(): Promise<void> }> {
  const db = await createBenchDatabase(label);
  await migrate(db.url);
  const app = await bootRegistry(db.url, { CREDENTIALS_KEY: generateKey(), CATALOG_PATH: catalogPath });
  return {
    app,
    drop: async () => {
      await app.close();
      await db.drop();
    },
  };
}

/** Toggles per second over `n` writes (disable, enable, … of `provider`). */
async function toggles(configs: ProviderConfigService, provider: string, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await (i % 2 ? configs.enable(provider) : configs.disable(provider));
  return (n / (performance.now() - started)) * 1000;
}

export async function measureCatalogWrites(generated = 2000, rounds = 3, n = 200): Promise<CatalogWrites> {
  const small = await registryWith('writes_small', SHIPPED_CATALOG);
  const large = await registryWith('writes_large', writeCatalogWithGeneratedProviders(generated));
  try {
    const smallConfigs = small.app.get(ProviderConfigService);
    const largeConfigs = large.app.get(ProviderConfigService);
    await toggles(smallConfigs, 'openai', 20); // warm-up
    await toggles(largeConfigs, generatedProvider(1234), 20);
    const rates = { small: [] as number[], large: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      rates.small.push(await toggles(smallConfigs, 'openai', n));
      rates.large.push(await toggles(largeConfigs, generatedProvider(1234), n));
    }
    return { generated, small: median(rates.small), large: median(rates.large) };
  } finally {
    await small.drop();
    await large.drop();
  }
}
