import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { createApp } from './server/app.factory';
import { describeFailure, endProcess, endWithError, exitWithError } from './common/exit-with-error';
import { assertPortFree, explainListenError } from './common/listen-errors';
import { GatewayRoutes } from './server/gateway/gateway-routes';
import { HttpDrain } from './server/http/http-drain';
import { createAppLogger } from './common/logging/app-logger';
import type { AppConfig } from './config/app-config';
import { loadConfig, loadDotEnv } from './config/load-config';
import { keyRingSourceOf } from './config/providers-options';
import { explainConnectError, explainDataDirError } from './database/database-errors';
import { DatabaseTarget, assertDataDirFree, openDatabaseTarget } from './database/database-target';
import { assertKeyRingSource } from './registry/key-ring/key-ring.provider';
import { UsageService } from './registry/usage/usage.service';

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * How long a stopped server waits for its last log line before it exits anyway: the line is out in
 * milliseconds, and a handle left open (an export a silent collector never answers) must not add
 * seconds to a shutdown SHUTDOWN_TIMEOUT_MS has bounded already.
 */
const STOPPED_GRACE_MS = 500;

async function openDatabase(config: AppConfig): Promise<DatabaseTarget> {
  try {
    return await openDatabaseTarget(config, 'server', 'server (npm start)');
  } catch (error) {
    throw (
      explainDataDirError(error, config.DATA_DIR) ??
      explainListenError(error, 'EMBEDDED_DB_PORT', '127.0.0.1', config.EMBEDDED_DB_PORT) ??
      error
    );
  }
}

function explainConnect(error: unknown, database: DatabaseTarget) {
  return explainConnectError(error, database.url, database.kind === 'postgres' ? 'DATABASE_URL' : 'the embedded database');
}

interface RunningApp {
  app: INestApplication;
  drain: HttpDrain;
}

async function startApp(config: AppConfig, database: DatabaseTarget): Promise<RunningApp> {
  let app: INestApplication | undefined;
  try {
    app = await createApp(config, database);
  } catch (error) {
    throw explainConnect(error, database) ?? error;
  }
  const drain = new HttpDrain(app.getHttpServer());
  try {
    await app.listen(config.PORT, config.HOST);
    return { app, drain };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw explainListenError(error, 'PORT', config.HOST, config.PORT) ?? explainConnect(error, database) ?? error;
  }
}

/** Whether our log has begun: a start that fails after that also ends the log, with a `fatal` line. */
let logging = false;

/** What would stop the start for sure, checked before the first log line: no key ring, a held folder, a port in use. */
async function preflight(config: AppConfig): Promise<void> {
  assertKeyRingSource(keyRingSourceOf(config));
  assertDataDirFree(config);
  await assertPortFree('PORT', config.HOST, config.PORT);
  if (config.METRICS_PORT !== undefined) await assertPortFree('METRICS_PORT', config.METRICS_HOST ?? config.HOST, config.METRICS_PORT);
}

async function bootstrap(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  await preflight(config);
  // Everything from here on (the embedded database's start included) logs in our one format and level.
  Logger.overrideLogger(createAppLogger(config.LOG_LEVEL));
  logging = true;
  const database = await openDatabase(config);
  const logger = new Logger('Bootstrap');
  let running: RunningApp;
  try {
    running = await startApp(config, database);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  const { app } = running;
  const { port } = app.getHttpServer().address() as { port: number };
  logger.log(`Listening on http://${config.HOST}:${port} with ${database.description}`);

  // Our own handler instead of enableShutdownHooks(): Nest's re-raises the signal after app.close(),
  // which would kill the process before the embedded database is closed and its lock released.
  let stopping = false;
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      const started = performance.now();
      logger.log(`${signal} received: shutting down`);
      const usage = app.get(UsageService);
      // A step that hangs (a database that stopped answering, a client that never lets go) must not keep us up.
      let timedOut = false;
      const deadline = setTimeout(() => {
        timedOut = true;
        const { entries, requests } = usage.pendingUsage();
        logger.error(
          `Shutdown did not finish within SHUTDOWN_TIMEOUT_MS=${config.SHUTDOWN_TIMEOUT_MS} ms` +
            `${entries > 0 ? `; usage of ${requests} request(s) is not known to be written` : ''}: exiting`,
        );
        // What hangs keeps the process up: it ends after the grace, once the line above is out.
        endProcess(1, STOPPED_GRACE_MS);
      }, config.SHUTDOWN_TIMEOUT_MS);
      void shutDown(running, database, usage, logger, Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2)).then((clean) => {
        clearTimeout(deadline);
        if (timedOut) return; // already said, and exiting 1
        const took = `${Math.round(performance.now() - started)} ms`;
        logger.log(clean ? `Stopped in ${took}` : `Stopped in ${took}, not cleanly (exit code 1): see the errors above`);
        // Not process.exit() at once: the line above would not reach the log (endProcess).
        endProcess(clean ? 0 : 1, STOPPED_GRACE_MS);
      });
    });
  }
}

/**
 * Every step runs even if one before it failed; any failure, or usage left unwritten, makes the exit
 * code non-zero. In-flight answers get `answerWithinMs`.
 */
async function shutDown(
  { app, drain }: RunningApp,
  database: DatabaseTarget,
  usage: UsageService,
  logger: Logger,
  answerWithinMs: number,
): Promise<boolean> {
  let clean = true;
  const step = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      clean = false;
      logger.error(`Shutdown: ${what} failed: ${(error as Error).message}`);
    }
  };
  // Stop taking requests first (the in-flight ones are answered, kept-alive connections closed),
  // so nothing records usage after the final flush. Answers get half of the shutdown's time: one that
  // would take longer (a stream an upstream holds open) is cut then, and its call recorded as
  // cancelled by the flushes after, instead of everything being dropped at the deadline.
  await step('closing the HTTP server', async () => {
    const { cut } = await drain.close(answerWithinMs);
    if (cut > 0)
      logger.warn(
        `Shutdown: cut ${cut} answer(s) still going after ${answerWithinMs} ms (gateway calls among them are recorded as cancelled)`,
      );
  });
  // A gateway call cut above records itself once its upstream request is aborted: before the flushes.
  await step('ending the gateway calls', () => app.get(GatewayRoutes).settled());
  await step('closing the app', () => app.close());
  const { entries, requests } = usage.pendingUsage();
  if (entries > 0) {
    clean = false;
    logger.error(`Shutdown: usage of ${requests} request(s) is not known to be written to the database`);
  }
  await step('closing the database', () => database.close());
  return clean;
}

bootstrap().catch((error: unknown) => {
  // The log ends with why (where logs are collected, stderr's plain line may not be).
  if (!logging) exitWithError(error);
  new Logger('Bootstrap').fatal(describeFailure(error));
  endWithError(error);
});
