import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/load-config';
import { providersOptionsFromConfig } from '../../src/config/providers-options';
import { COORDINATION, Coordination } from '../../src/registry/kernel/coordination';
import { DatabaseModule } from '../../src/database/database.module';
import { openDatabaseTarget } from '../../src/database/database-target';
import { ConsumerKeyCache } from '../../src/registry/consumer-keys/consumer-key-cache';
import { ConsumerKeysService } from '../../src/registry/consumer-keys/consumer-keys.service';
import { ProvidersModule } from '../../src/registry/providers.module';

/**
 * A child process that owns an embedded data folder and runs the registry on it, creates a consumer
 * key named by its argument, and prints `<name>=accepted|refused` whenever its own cache's answer for
 * that key changes: lets a test revoke the key from outside (the CLI, psql) through the owner's
 * socket and watch the owner's cache react to the change notification.
 */
async function main(): Promise<void> {
  const [name] = process.argv.slice(2);
  const config = loadConfig();
  const target = await openDatabaseTarget(config, 'server', 'embedded-owner-keys');
  const app = await NestFactory.createApplicationContext(
    {
      module: class EmbeddedOwnerKeysModule {},
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
  const { key } = await app.get(ConsumerKeysService).create({ name });
  const cache = app.get(ConsumerKeyCache);
  let last = '';
  const report = () => {
    const now = `${name}=${cache.authenticate(key) ? 'accepted' : 'refused'}`;
    if (now !== last) process.stdout.write(`${now}\n`);
    last = now;
  };
  report();
  const timer = setInterval(report, 5);
  process.once('SIGTERM', () => {
    clearInterval(timer);
    void app.close().finally(() => target.close().finally(() => process.exit(0)));
  });
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
