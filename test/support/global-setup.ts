import 'reflect-metadata';
import './quiet-logs';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { TEMPLATE_SUFFIX, TEST_DATABASE_URL, assertTestDatabase, databaseNameOf, withDatabase } from './test-env';

declare global {
  var __EMBEDDED_TEST_DBS__: { close(): Promise<void>; dir: string }[] | undefined;
}

/**
 * Real PostgreSQL: migrate a template database once; each test file clones it (CREATE DATABASE …
 * TEMPLATE), so files run in parallel from a fresh schema in milliseconds.
 * No TEST_DATABASE_URL: one embedded PGlite per jest worker. Each is one backend session, so each
 * worker's files take turns on its own database (test-database.ts picks it by JEST_WORKER_ID), and the
 * workers run side by side as they do on a real PostgreSQL.
 */
export default async function globalSetup(globalConfig?: { maxWorkers?: number }): Promise<void> {
  process.env.TZ = 'UTC';
  // Jest runs each distinct setup module once (this one, and global-setup-built.ts, which calls it): one database per run.
  if (process.env.TEST_TEMPLATE_DATABASE || process.env.TEST_EMBEDDED_URLS) return;
  if (TEST_DATABASE_URL) {
    assertTestDatabase(TEST_DATABASE_URL);
    // Unique per run: several runs (CI, a developer, another checkout) may share one PostgreSQL.
    const template = `${databaseNameOf(TEST_DATABASE_URL)}_${process.pid}_${randomBytes(3).toString('hex')}${TEMPLATE_SUFFIX}`;
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${template}"`);
    } finally {
      await admin.end();
    }
    const dataSource = new DataSource(buildDataSourceOptions(withDatabase(TEST_DATABASE_URL, template), { poolSize: 1 }));
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
    process.env.TEST_TEMPLATE_DATABASE = template;
    return;
  }
  // Loaded only here so a run on a real PostgreSQL never loads PGlite.
  const { openEmbeddedDatabase } = await import('../../src/embedded-postgres/embedded-database');
  const workers = Math.max(1, globalConfig?.maxWorkers ?? 1);
  const opened = await Promise.all(
    Array.from({ length: workers }, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-test-pglite-'));
      const db = await openEmbeddedDatabase({ dataDir: dir, port: 0, command: 'jest', listenChannels: [] });
      return { db, dir };
    }),
  );
  globalThis.__EMBEDDED_TEST_DBS__ = opened.map(({ db, dir }) => ({ close: db.close, dir }));
  process.env.TEST_EMBEDDED_URLS = opened.map(({ db }) => db.url).join(' ');
  const ports = opened.map(({ db }) => db.port).join(', ');
  process.stdout.write(`\nTEST_DATABASE_URL is not set: tests run on embedded PGlite, one per jest worker, on 127.0.0.1:${ports}\n`);
}
