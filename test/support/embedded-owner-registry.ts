import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/load-config';
import { providersOptionsFromConfig } from '../../src/config/providers-options';
import { COORDINATION, Coordination } from '../../src/registry/kernel/coordination';
import { DatabaseModule } from '../../src/database/database.module';
import { openDatabaseTarget } from '../../src/database/database-target';
import { CredentialsService } from '../../src/registry/credentials/credentials.service';
import { ProvidersModule } from '../../src/registry/providers.module';
import { AvailabilityService } from '../../src/registry/selection/availability.service';

/**
 * A child process that owns an embedded data folder and runs the registry on it, printing
 * `<provider>=<available|reason>` whenever that changes: lets a test write through the owner's
 * socket from outside and watch the owner's own selection state react.
 */
async function main(): Promise<void> {
  const [provider, apiKey] = process.argv.slice(2);
  const config = loadConfig();
  const target = await openDatabaseTarget(config, 'server', 'embedded-owner-registry');
  const app = await NestFactory.createApplicationContext(
    {
      module: class EmbeddedOwnerModule {},
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(target),
        ProvidersModule.forRootAsync({
          inject: [COORDINATION],
          useFactory: (coordination: Coordination) => providersOptionsFromConfig(config, coordination),
        }),
      ],
    },
    { logger: false },
  );
  await app.init();
  await app.get(CredentialsService).store(provider, { apiKey });
  const availability = app.get(AvailabilityService);
  let last = '';
  const report = () => {
    const answer = availability.isProviderAvailable(provider);
    const now = `${provider}=${answer.available ? 'available' : answer.reason}`;
    if (now !== last) process.stdout.write(`${now}\n`);
    last = now;
  };
  report();
  const timer = setInterval(report, 10);
  process.once('SIGTERM', () => {
    clearInterval(timer);
    void app.close().finally(() => target.close().finally(() => process.exit(0)));
  });
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
