import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../../src/config/config.module';
import { providersOptionsFromConfig } from '../../../src/config/providers-options';
import { COORDINATION, Coordination } from '../../../src/registry/kernel/coordination';
import { DatabaseModule } from '../../../src/database/database.module';
import type { ProvidersModuleOptions } from '../../../src/registry/providers.options';
import { ProvidersModule } from '../../../src/registry/providers.module';
import { testConfig } from '../../support/registry-app';
import type { TestDatabase } from '../../support/test-database';

/**
 * startRegistry() with module options the server's environment does not carry (the adapter's
 * callTimeoutMs is a host's setting), so a hang test waits a fraction of a second, not a minute.
 */
export async function startCallingRegistry(
  db: TestDatabase,
  settings: Partial<ProvidersModuleOptions>,
  env: Record<string, string> = {},
): Promise<INestApplicationContext> {
  const config = testConfig(db, env);
  const app = await NestFactory.createApplicationContext(
    {
      module: class CallingRegistryTestModule {},
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(db.target),
        ProvidersModule.forRootAsync({
          inject: [COORDINATION],
          useFactory: (coordination: Coordination) => ({ ...providersOptionsFromConfig(config, coordination), ...settings }),
        }),
      ],
    },
    { logger: process.env.TEST_LOGS ? ['log', 'warn', 'error'] : false, abortOnError: false },
  );
  await app.init();
  return app;
}
