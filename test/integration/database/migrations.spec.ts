import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../../src/database/data-source-options';
import { MIGRATIONS } from '../../../src/database/migrations';
import { CountUsagePerConsumerKey1764000014000 } from '../../../src/database/migrations/1764000014000-CountUsagePerConsumerKey';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

const USER_OBJECTS = `
  SELECT c.relkind::text AS kind, c.relname AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relname <> 'migrations' AND c.relname NOT LIKE 'migrations_%'
    AND NOT EXISTS (
      SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
      WHERE i.indexrelid = c.oid AND t.relname = 'migrations')
  UNION ALL
  SELECT 'type', t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = 'public' AND t.typtype = 'e'
  ORDER BY 1, 2`;

async function openWith(url: string, migrations: typeof MIGRATIONS): Promise<DataSource> {
  const dataSource = new DataSource({ ...buildDataSourceOptions(url, { poolSize: 1 }), migrations });
  await dataSource.initialize();
  return dataSource;
}

async function undoAll(dataSource: DataSource): Promise<void> {
  while ((await dataSource.query('SELECT count(*)::int AS n FROM migrations'))[0].n > 0) {
    await dataSource.undoLastMigration({ transaction: 'each' });
  }
}

describe('migrations', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase({ migrated: false });
  });

  afterEach(async () => {
    await db.drop();
  });

  it('go all up, all down and all up again leaving no objects behind, and agree with the entities', async () => {
    const dataSource = await openWith(db.url, MIGRATIONS);
    try {
      expect(await dataSource.runMigrations({ transaction: 'each' })).toHaveLength(MIGRATIONS.length);
      const afterFirstUp = await dataSource.query(USER_OBJECTS);
      expect(afterFirstUp.map((o: { name: string }) => o.name)).toEqual(
        expect.arrayContaining(['ai_credentials', 'provider_configs', 'provider_health_checks', 'scheduler_runs']),
      );

      await undoAll(dataSource);
      expect(await dataSource.query(USER_OBJECTS)).toEqual([]);

      expect(await dataSource.runMigrations({ transaction: 'each' })).toHaveLength(MIGRATIONS.length);
      expect(await dataSource.query(USER_OBJECTS)).toEqual(afterFirstUp);

      // What `migration:generate --check` does: the schema builder must find nothing to change.
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('count usage per consumer key: the daily sums so far become usage without a key, and undone, every key adds back into it', async () => {
    const last = MIGRATIONS.findIndex((m) => m === CountUsagePerConsumerKey1764000014000);
    const before = await openWith(
      db.url,
      MIGRATIONS.filter((_, i) => i !== last),
    );
    try {
      await before.runMigrations({ transaction: 'each' });
      await before.query(`INSERT INTO usage_daily (day, provider, model, credential_id, requests, input_tokens, output_tokens, cost_nanos)
                          VALUES ('2026-12-01', 'openai', 'gpt-4o', 0, 1, 10, 1, 100), ('2026-12-01', 'openai', 'gpt-4o', 7, 4, 40, 4, 400)`);
    } finally {
      await before.destroy();
    }
    const dataSource = await openWith(db.url, MIGRATIONS);
    const rows = `SELECT day::text, provider, model, credential_id::text, requests::int, input_tokens::int, output_tokens::int, cost_nanos::int
                  FROM usage_daily ORDER BY day, provider, model, credential_id`;
    try {
      expect(await dataSource.runMigrations({ transaction: 'each' })).toEqual([
        expect.objectContaining({ name: 'CountUsagePerConsumerKey1764000014000' }),
      ]);
      expect(await dataSource.query(`SELECT consumer_key_id::text AS k, count(*)::int AS n FROM usage_daily GROUP BY 1`)).toEqual([
        { k: '0', n: 2 },
      ]);
      // Two keys' usage beside the usage without one, on two days.
      await dataSource.query(`INSERT INTO usage_daily (day, provider, model, credential_id, consumer_key_id, requests, input_tokens, output_tokens, cost_nanos)
                              VALUES ('2026-12-01', 'openai', 'gpt-4o', 0, 5, 2, 20, 2, 200), ('2026-12-01', 'openai', 'gpt-4o', 0, 6, 3, 30, 3, 300),
                                     ('2026-12-01', 'openai', 'gpt-4o', 7, 6, 5, 50, 5, 500), ('2026-12-02', 'openai', 'gpt-4o', 0, 6, 6, 60, 6, 600)`);
      await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await dataSource.query(rows)).toEqual([
        {
          day: '2026-12-01',
          provider: 'openai',
          model: 'gpt-4o',
          credential_id: '0',
          requests: 6,
          input_tokens: 60,
          output_tokens: 6,
          cost_nanos: 600,
        },
        {
          day: '2026-12-01',
          provider: 'openai',
          model: 'gpt-4o',
          credential_id: '7',
          requests: 9,
          input_tokens: 90,
          output_tokens: 9,
          cost_nanos: 900,
        },
        {
          day: '2026-12-02',
          provider: 'openai',
          model: 'gpt-4o',
          credential_id: '0',
          requests: 6,
          input_tokens: 60,
          output_tokens: 6,
          cost_nanos: 600,
        },
      ]);
      const key = await dataSource.query(
        `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = 'usage_daily'::regclass AND i.indisprimary ORDER BY a.attnum`,
      );
      expect(key.map((k: { attname: string }) => k.attname)).toEqual(['day', 'provider', 'model', 'credential_id']);
    } finally {
      await dataSource.destroy();
    }
  });

  it('upgrade 10,000 existing credentials over 20 providers without losing or changing one, and revert', async () => {
    const baseline = await openWith(db.url, MIGRATIONS.slice(0, 1));
    try {
      await baseline.runMigrations({ transaction: 'each' });
      await baseline.query(`
        INSERT INTO ai_credentials (provider, credential_type, encrypted_credentials, metadata, expires_at, is_active)
        SELECT 'provider_' || (i % 20),
               'type_' || (i / 20),
               encode(sha256(i::text::bytea), 'base64'),
               CASE WHEN i % 3 = 0 THEN NULL ELSE jsonb_build_object('label', 'key ' || i, 'tags', jsonb_build_array(i % 7, 'x')) END,
               CASE WHEN i % 10 = 0 THEN now() - interval '1 day' WHEN i % 10 = 1 THEN now() + interval '30 days' END,
               i % 9 <> 0
        FROM generate_series(0, 9999) AS i`);
    } finally {
      await baseline.destroy();
    }
    const fingerprint = `
      SELECT count(*)::int AS n,
             md5(string_agg(id || ':' || provider || ':' || credential_type || ':' || encrypted_credentials || ':' ||
                 coalesce(metadata::text, '-') || ':' || coalesce(expires_at::text, '-') || ':' || is_active, ',' ORDER BY id)) AS sum
      FROM ai_credentials`;

    const dataSource = await openWith(db.url, MIGRATIONS);
    try {
      const [before] = await dataSource.query(fingerprint);
      expect(before.n).toBe(10_000);

      const started = process.hrtime.bigint();
      await dataSource.runMigrations({ transaction: 'each' });
      const upgradeMs = Number(process.hrtime.bigint() - started) / 1e6;
      process.stdout.write(`upgrade of 10,000 credentials (${db.kind}): ${upgradeMs.toFixed(0)} ms\n`);

      expect(await dataSource.query(fingerprint)).toEqual([before]);
      const [configs] = await dataSource.query(
        `SELECT count(*)::int AS n, count(DISTINCT provider)::int AS distinct_n FROM provider_configs`,
      );
      expect(configs).toEqual({ n: 20, distinct_n: 20 });
      const [links] = await dataSource.query(`
        SELECT count(*) FILTER (WHERE c.provider_config_id IS NULL)::int AS unlinked,
               count(*) FILTER (WHERE p.provider IS DISTINCT FROM c.provider)::int AS mislinked
        FROM ai_credentials c LEFT JOIN provider_configs p ON p.id = c.provider_config_id`);
      expect(links).toEqual({ unlinked: 0, mislinked: 0 });

      for (let i = 1; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await dataSource.query(fingerprint)).toEqual([before]);
      expect(await dataSource.query(`SELECT to_regclass('public.provider_configs') AS t`)).toEqual([{ t: null }]);
      const columns = await dataSource.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'ai_credentials' ORDER BY ordinal_position`,
      );
      expect(columns.map((c: { column_name: string }) => c.column_name)).toEqual([
        'id',
        'provider',
        'credential_type',
        'encrypted_credentials',
        'metadata',
        'expires_at',
        'is_active',
        'created_at',
        'updated_at',
      ]);
    } finally {
      await dataSource.destroy();
    }
  });
});
