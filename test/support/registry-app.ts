import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/load-config';
import { providersOptionsFromConfig } from '../../src/config/providers-options';
import { COORDINATION, Coordination } from '../../src/registry/kernel/coordination';
import { DatabaseModule } from '../../src/database/database.module';
import { ProvidersModule } from '../../src/registry/providers.module';
import { TestDatabase, createTestDatabase } from './test-database';

/** Two fixed test keys (32 bytes each), so a test can rotate from one ring to another. */
export const TEST_KEY_1 = Buffer.alloc(32, 7).fill(1, 0, 1).toString('base64');
export const TEST_KEY_2 = Buffer.alloc(32, 9).fill(2, 0, 1).toString('base64');

export interface RegistryContext {
  app: INestApplicationContext;
  config: AppConfig;
  dataSource: DataSource;
  get<T>(type: Type<T> | symbol): T;
  close(): Promise<void>;
}

/** The config of a test instance on `db`: background work kept out of the way unless `env` asks for it. */
export function testConfig(db: TestDatabase, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    DATABASE_URL: db.url,
    CREDENTIALS_KEYS: `k1:${TEST_KEY_1}`,
    LOG_LEVEL: 'silent',
    HEALTH_CHECK_INTERVAL_MS: '0',
    USAGE_FLUSH_MS: '600000',
    ...env,
  });
}

/**
 * The registry as a host app would run it (config, database, ProvidersModule), on a test database.
 * Defaults keep background work out of the way: no health schedule, a slow usage flusher.
 * `via` sends the data source's connections to another address (a proxy in front of the database)
 * while the module's LISTEN/lock sessions go straight to the database, as with a pooler in front.
 */
export async function startRegistry(db: TestDatabase, env: Record<string, string> = {}, via?: { url: string }): Promise<RegistryContext> {
  const config = testConfig(db, via ? { DATABASE_URL: via.url, ...env } : env);
  const app = await NestFactory.createApplicationContext(
    {
      module: class RegistryTestModule {},
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(via ? { ...db.target, url: via.url } : db.target),
        ProvidersModule.forRootAsync({
          inject: [COORDINATION],
          useFactory: (coordination: Coordination) => ({
            ...providersOptionsFromConfig(config, coordination),
            ...(via ? { coordination: undefined, directUrl: db.url } : {}),
          }),
        }),
      ],
    },
    { logger: process.env.TEST_LOGS ? ['log', 'warn', 'error'] : false, abortOnError: false },
  );
  await app.init();
  let closed = false;
  return {
    app,
    config,
    dataSource: app.get(DataSource),
    get: <T>(type: Type<T> | symbol) => app.get<T>(type as Type<T>),
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

export interface FreshRegistry {
  /** This test's own migrated database. */
  readonly db: TestDatabase;
  /** Boots a registry on it; every registry started this way is closed after the test. */
  start(env?: Record<string, string>): Promise<RegistryContext>;
  /** Swaps this test's database for a new one (e.g. an empty one for an upgrade test). */
  recreate(options: { migrated?: boolean }): Promise<TestDatabase>;
}

/** Call inside a describe(): a fresh database for each test, and its registries closed after it. */
export function freshRegistryEachTest(): FreshRegistry {
  let db: TestDatabase | undefined;
  const started: RegistryContext[] = [];
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const registry of started.splice(0)) await registry.close();
    await db?.drop();
    db = undefined;
  });
  return {
    get db() {
      if (!db) throw new Error('freshRegistryEachTest: the database exists only while a test runs');
      return db;
    },
    async start(env) {
      const registry = await startRegistry(this.db, env);
      started.push(registry);
      return registry;
    },
    async recreate(options) {
      await db?.drop();
      db = await createTestDatabase(options);
      return db;
    },
  };
}
