import { INestApplicationContext, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ConfigModule } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/load-config';
import { providersOptionsFromConfig } from '../../src/config/providers-options';
import { COORDINATION, Coordination } from '../../src/registry/kernel/coordination';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { DatabaseModule } from '../../src/database/database.module';
import { ProvidersModule } from '../../src/registry/providers.module';

/** Migrates the database at `url` (the registries booted below do not: MIGRATIONS_RUN=false). */
export async function migrate(url: string): Promise<void> {
  const ds = new DataSource(buildDataSourceOptions(url, { poolSize: 1 }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
}

/**
 * The registry as a host app runs it (config, database, ProvidersModule) on a migrated database,
 * without background work unless `env` asks for it; `replace` swaps one of its classes (a baseline).
 */
export async function bootRegistry(
  url: string,
  env: Record<string, string>,
  replace?: { provider: Type<unknown>; useClass: Type<unknown> },
): Promise<INestApplicationContext> {
  const config = loadConfig({
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    HEALTH_CHECK_INTERVAL_MS: '0',
    USAGE_FLUSH_MS: '600000',
    MIGRATIONS_RUN: 'false',
    ...env,
  });
  const builder = Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule.forRoot({ kind: 'postgres', url, description: 'bench', viaOwner: false, close: async () => undefined }),
      ProvidersModule.forRootAsync({
        inject: [COORDINATION],
        useFactory: (coordination: Coordination) => providersOptionsFromConfig(config, coordination),
      }),
    ],
  });
  if (replace) builder.overrideProvider(replace.provider).useClass(replace.useClass);
  const moduleRef = await builder.compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}
