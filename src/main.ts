import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { DomainError } from './common/domain-error';
import { loadConfig, loadDotEnv } from './config/load-config';
import { openDatabaseTarget } from './database/database-target';

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Errors an operator can act on are printed as one line; anything else is a bug and keeps its stack. */
function failStartup(error: unknown): never {
  if (error instanceof DomainError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    new Logger('Bootstrap').error(`Startup failed: ${(error as Error)?.message ?? String(error)}`);
  }
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const database = await openDatabaseTarget(config, 'server', 'server (npm start)');
  const logger = new Logger('Bootstrap');
  let app;
  try {
    app = await createApp(config, database);
    await app.listen(config.PORT, config.HOST);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.close();
    throw error;
  }
  const { port } = app.getHttpServer().address() as { port: number };
  logger.log(`Listening on http://${config.HOST}:${port} with ${database.description}`);

  // Our own handler instead of enableShutdownHooks(): Nest's re-raises the signal after app.close(),
  // which would kill the process before the embedded database is closed and its lock released.
  let stopping = false;
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal} received: shutting down`);
      // Stop taking requests first, so nothing records usage after the final flush.
      void new Promise<void>((resolve) => app.getHttpServer().close(() => resolve()))
        .then(() => app.close())
        .catch((error: Error) => logger.error(`Shutdown error: ${error.message}`))
        .finally(() => database.close().finally(() => process.exit(0)));
    });
  }
}

bootstrap().catch(failStartup);
