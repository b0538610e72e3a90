import { Inject, Injectable, INestApplicationContext, OnApplicationShutdown, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createAppLogger } from '../common/logging/app-logger';
import { explainConnectError, explainDataDirError } from '../database/database-errors';
import { DatabaseTarget, openDatabaseTarget } from '../database/database-target';
import { CLI_SETTINGS, CliSettings } from './cli-settings';
import { CliRegistryModule } from './cli-registry.module';

/**
 * The registry, opened on first use: `--help`, a usage error or a missing flag answer at once,
 * without connecting to a database or starting the embedded one. The database is the server's:
 * DATABASE_URL, or the embedded folder, through a running server's socket or owned while we run.
 */
@Injectable()
export class RegistryContext implements OnApplicationShutdown {
  private opened: Promise<{ app: INestApplicationContext; database: DatabaseTarget }> | undefined;

  constructor(@Inject(CLI_SETTINGS) private readonly settings: CliSettings) {}

  async get<T>(token: Type<T> | symbol): Promise<T> {
    const { app } = await (this.opened ??= this.open());
    return app.get<T>(token, { strict: false });
  }

  /** Where the commands' data lives, for the log and --verbose. */
  async description(): Promise<string> {
    const { database } = await (this.opened ??= this.open());
    return database.description;
  }

  private async open(): Promise<{ app: INestApplicationContext; database: DatabaseTarget }> {
    const { config, logLevel } = this.settings;
    let database: DatabaseTarget;
    try {
      database = await openDatabaseTarget(config, 'tool', 'ai-registry (the admin CLI)');
    } catch (error) {
      throw explainDataDirError(error, config.DATA_DIR) ?? error;
    }
    try {
      const app = await NestFactory.createApplicationContext(CliRegistryModule.forRoot(config, database), {
        logger: createAppLogger(logLevel, 2),
        abortOnError: false,
      });
      return { app, database };
    } catch (error) {
      await database.close().catch(() => undefined);
      throw explainConnectError(error, database.url, database.kind === 'postgres' ? 'DATABASE_URL' : 'the embedded database') ?? error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.opened) return;
    const opened = await this.opened.catch(() => undefined);
    if (!opened) return;
    try {
      await opened.app.close();
    } finally {
      await opened.database.close();
    }
  }
}
