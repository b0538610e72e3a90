import { RunningPgBouncer, havePgBouncer, startPgBouncer } from '../support/pgbouncer';
import { TestDatabase, createTestDatabase } from '../support/test-database';

/**
 * The two ways instances reach PostgreSQL in these tests: straight, or through PgBouncer in
 * transaction pooling mode (DATABASE_URL = PgBouncer, DATABASE_DIRECT_URL = the server, for LISTEN
 * and advisory locks), as on a hosted PostgreSQL.
 */
export const MODES = ['direct', 'pgbouncer'] as const;
export type Mode = (typeof MODES)[number];

export interface ModeDatabase {
  db: TestDatabase;
  /** DATABASE_URL of the instances. */
  databaseUrl: string;
  /** DATABASE_DIRECT_URL of the instances (undefined: none, the same as DATABASE_URL). */
  directUrl: string | undefined;
  pgbouncer: RunningPgBouncer | null;
  close(): Promise<void>;
}

export async function openModeDatabase(mode: Mode): Promise<ModeDatabase> {
  const db = await createTestDatabase();
  if (mode === 'direct') return { db, databaseUrl: db.url, directUrl: undefined, pgbouncer: null, close: () => db.drop() };
  if (!havePgBouncer()) {
    await db.drop();
    throw new Error("/usr/sbin/pgbouncer is missing: install Debian's pgbouncer package (.ci/run does)");
  }
  // A pool smaller than the instances' own pools: their transactions really share server connections.
  const pgbouncer = await startPgBouncer(db.url, { poolSize: 4 });
  return {
    db,
    databaseUrl: pgbouncer.urlFor(db.url),
    directUrl: db.url,
    pgbouncer,
    async close() {
      await pgbouncer.stop();
      await db.drop();
    },
  };
}
