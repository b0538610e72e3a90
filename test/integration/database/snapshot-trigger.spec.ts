import type { DataSource } from 'typeorm';
import { DEFAULT_CREDENTIAL_TYPE } from '../../../src/registry/kernel/credential-type';
import { SNAPSHOT_CONFIG_COLUMNS, snapshotCredentialJson } from '../../../src/registry/snapshot/snapshot-row.sql';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

/**
 * The columns an UPDATE must change for the change trigger of `table` to announce it: the row
 * compared in the installed function (`WHERE (n.a, n.b, …) IS DISTINCT FROM (o.a, o.b, …)`).
 */
async function watchedColumns(dataSource: DataSource, table: string): Promise<string[]> {
  const [{ definition }] = await dataSource.query(`SELECT pg_get_functiondef($1::regproc) AS definition`, [`ai_registry_${table}_changed`]);
  const compared = /WHERE\s+\(([^)]*)\)\s+IS DISTINCT FROM\s+\(([^)]*)\)/.exec(definition);
  if (!compared) throw new Error(`no row comparison in the change trigger of ${table}:\n${definition}`);
  const columnsOf = (list: string, alias: string) =>
    list.split(',').map((entry) => {
      const column = new RegExp(`^${alias}\\.(\\w+)$`).exec(entry.trim());
      if (!column) throw new Error(`unexpected entry ${JSON.stringify(entry)} in the change trigger of ${table}`);
      return column[1];
    });
  const after = columnsOf(compared[1], 'n');
  // The old and new rows must be compared column for column, or a change could hide behind another.
  expect(columnsOf(compared[2], 'o')).toEqual(after);
  return after;
}

/** The credential columns the snapshot reads, as the snapshot's own SQL returns them for a stored credential. */
async function snapshotCredentialColumns(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await runner.query(`INSERT INTO ai_credentials (provider, credential_type, encrypted_credentials) VALUES ('pin-columns', $1, 'x')`, [
      DEFAULT_CREDENTIAL_TYPE,
    ]);
    const [{ credential }] = await runner.query(`SELECT ${snapshotCredentialJson(`'pin-columns'`)} AS credential`);
    return Object.keys(credential as Record<string, unknown>);
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}

/*
 * The in-memory snapshot is kept current by the change triggers: an UPDATE that changes no watched
 * column announces nothing, so a column the snapshot reads but the trigger does not watch would go
 * stale on every other instance until the next resync. The triggers live in migrations; this pins
 * them to the snapshot's own column lists (src/registry/snapshot/snapshot-row.sql.ts).
 */
describe('change triggers watch every column the snapshot holds', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.dataSource();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('provider_configs: every column of SNAPSHOT_CONFIG_COLUMNS', async () => {
    const watched = await watchedColumns(dataSource, 'provider_configs');
    expect(SNAPSHOT_CONFIG_COLUMNS.filter((column) => !watched.includes(column))).toEqual([]);
  });

  it('ai_credentials: every column the snapshot reads of a credential (its id aside, which no update changes)', async () => {
    const read = await snapshotCredentialColumns(dataSource);
    expect(read).toEqual(expect.arrayContaining(['provider', 'is_active', 'expires_at', 'encrypted_credentials']));
    const watched = await watchedColumns(dataSource, 'ai_credentials');
    expect(read.filter((column) => column !== 'id' && !watched.includes(column))).toEqual([]);
  });
});
