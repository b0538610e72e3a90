import { Inject, Injectable, INestApplicationContext, Logger, LoggerService, OnApplicationShutdown, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { quoteInput } from '../common/json-guard/text-rules';
import { explainConnectError, explainDataDirError } from '../database/database-errors';
import { DatabaseTarget, openDatabaseTarget } from '../database/database-target';
import { CliFailure } from './cli-errors';
import { CliLogger } from './cli-logger';
import { CLI_SETTINGS, CliSettings } from './cli-settings';
import { lostDatabaseError } from './lost-database';
import type * as RegistryServices from './registry-services';
import { Terminal } from './terminal';

/** The registry's exports and what the CLI adds (registry-services.ts), as RegistryContext loads them. */
export type Registry = typeof RegistryServices;

/**
 * The registry, loaded and opened on first use: `--help`, a usage error or a missing flag answer at once,
 * without connecting to a database or starting the embedded one. The database is the server's:
 * DATABASE_URL, or the embedded folder, through a running server's socket or owned while we run.
 */
@Injectable()
export class RegistryContext implements OnApplicationShutdown {
  private opened: Promise<{ app: INestApplicationContext; database: DatabaseTarget }> | undefined;
  private database: DatabaseTarget | undefined;
  private app: INestApplicationContext | undefined;
  private services: Registry | undefined;

  constructor(
    @Inject(CLI_SETTINGS) private readonly settings: CliSettings,
    private readonly terminal: Terminal,
  ) {}

  /** A service of the opened registry: `get((registry) => registry.UsageService)`. */
  async get<T>(token: (registry: Registry) => Type<T> | symbol): Promise<T> {
    const { app } = await (this.opened ??= this.open());
    return app.get<T>(token(this.load()), { strict: false });
  }

  /** The registry's exports (its constants and functions), loaded without opening it. */
  load(): Registry {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (this.services ??= require('./registry-services') as Registry);
  }

  /** Where the commands' data lives, for the log and --verbose. */
  async description(): Promise<string> {
    const { database } = await (this.opened ??= this.open());
    return database.description;
  }

  /**
   * The error a command failed with, as the CLI says it: a database that went away named for what it
   * was, a mistyped provider with the providers there are (as ProviderNames.assertKnown says it).
   */
  explain(error: unknown): unknown {
    // Only an opened registry throws its errors: nothing here loads it.
    const registry = this.services;
    if (registry && error instanceof registry.UnknownProviderError && this.app) {
      const known = this.app.get(registry.ProviderConfigService, { strict: false }).knownProviders();
      return new CliFailure(`unknown provider ${quoteInput(error.provider)}; known providers: ${known.join(', ')}`);
    }
    return (this.database && lostDatabaseError(error, this.database)) ?? error;
  }

  private async open(): Promise<{ app: INestApplicationContext; database: DatabaseTarget }> {
    const { config, logLevel, verbose } = this.settings;
    const quiet = verbose ? undefined : new CliLogger(logLevel === 'silent' ? () => undefined : (line) => this.terminal.warn(line));
    const logger: LoggerService = quiet ?? verboseLogger(logLevel);
    // From the first line on: opening the embedded folder logs too (a stale lock taken over).
    Logger.overrideLogger(logger);
    let database: DatabaseTarget;
    try {
      database = await openDatabaseTarget(config, 'tool', 'ai-registry (the admin CLI)');
    } catch (error) {
      quiet?.opened();
      throw explainDataDirError(error, config.DATA_DIR) ?? error;
    }
    this.database = database;
    try {
      const app = await NestFactory.createApplicationContext(this.load().CliRegistryModule.forRoot(config, database), {
        logger,
        abortOnError: false,
      });
      this.app = app;
      return { app, database };
    } catch (error) {
      await database.close().catch(() => undefined);
      // Through a server's socket, a refused connection is that server going away as we came in.
      throw (
        (database.viaOwner ? lostDatabaseError(error, database) : null) ??
        explainConnectError(error, database.url, database.kind === 'postgres' ? 'DATABASE_URL' : 'the embedded database') ??
        error
      );
    } finally {
      quiet?.opened();
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

/** The registry's JSON log for --verbose; its library (pino) is required only then, a quiet run never writes a line of it. */
function verboseLogger(level: CliSettings['logLevel']): LoggerService {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createAppLogger } = require('../common/logging/app-logger') as typeof import('../common/logging/app-logger');
  return createAppLogger(level, 2);
}
