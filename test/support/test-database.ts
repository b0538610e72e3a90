import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import type { DatabaseTarget } from '../../src/database/database-target';
import { describeSkipped } from './skipped-suite';
import { TEST_DATABASE_URL, withDatabase } from './test-env';

export const onRealPostgres = Boolean(TEST_DATABASE_URL);

export interface TestDatabase {
  url: string;
  kind: 'postgres' | 'embedded';
  /** A DatabaseTarget for AppModule / DatabaseModule in tests (the test database outlives the app). */
  target: DatabaseTarget;
  /** An initialised DataSource on this database (closed by drop()). */
  dataSource(): Promise<DataSource>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of this test file's own. `migrated: false` gives an empty one (for migration tests).
 * On the embedded database each jest worker has one, reset here instead (the worker runs one file at a time).
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  let url: string;
  let dropDatabase: () => Promise<void>;
  if (TEST_DATABASE_URL) {
    const template = process.env.TEST_TEMPLATE_DATABASE;
    if (!template) throw new Error('TEST_TEMPLATE_DATABASE is not set: run tests through jest.config.ts');
    const name = `${template.replace(/_template$/, '')}_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
    await admin((c) => c.query(migrated ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`));
    url = withDatabase(TEST_DATABASE_URL, name);
    dropDatabase = () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined);
  } else {
    const embeddedUrls = process.env.TEST_EMBEDDED_URLS?.split(' ');
    if (!embeddedUrls) throw new Error('TEST_EMBEDDED_URLS is not set: run tests through jest.config.ts');
    // Worker ids run 1..maxWorkers (1 in band), and globalSetup opened one database per worker.
    url = embeddedUrls[(Number(process.env.JEST_WORKER_ID ?? '1') - 1) % embeddedUrls.length];
    const reset = new DataSource(buildDataSourceOptions(url, { poolSize: 1 }));
    await reset.initialize();
    try {
      await reset.query('DROP SCHEMA public CASCADE');
      await reset.query('CREATE SCHEMA public');
      if (migrated) await reset.runMigrations({ transaction: 'each' });
    } finally {
      await reset.destroy();
    }
    dropDatabase = async () => undefined;
  }
  const kind = TEST_DATABASE_URL ? 'postgres' : 'embedded';
  let opened: DataSource | undefined;
  return {
    url,
    kind,
    target: { kind, url, description: `test database (${kind})`, viaOwner: false, close: async () => undefined },
    async dataSource() {
      if (!opened) {
        opened = new DataSource(buildDataSourceOptions(url, { embedded: kind === 'embedded' }));
        await opened.initialize();
      }
      return opened;
    },
    async drop() {
      if (opened?.isInitialized) await opened.destroy();
      await dropDatabase();
    },
  };
}

/** describe() on a real PostgreSQL; on the embedded database the block is skipped with the reason printed. */
export function describeOnRealPostgres(name: string, reason: string, fn: () => void): void {
  if (onRealPostgres) {
    describe(name, fn);
  } else {
    describeSkipped(name, 'on the embedded database', reason, fn);
  }
}

/** it() on a real PostgreSQL; on the embedded database jest reports the test as skipped, the reason in its name. */
export function itOnRealPostgres(name: string, reason: string, fn: jest.ProvidesCallback, timeout?: number): void {
  if (onRealPostgres) {
    it(name, fn, timeout);
  } else {
    it.skip(`${name} (skipped on the embedded database: ${reason})`, fn, timeout);
  }
}
