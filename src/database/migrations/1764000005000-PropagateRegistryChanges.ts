import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The database itself tells every instance what changed, so any writer (our services, another
 * instance, the TypeORM CLI, psql, an application that wrote ai_credentials before the registry)
 * reaches every instance, and a rolled-back write tells no one (NOTIFY is delivered at COMMIT).
 *
 * - Statement-level AFTER triggers with transition tables: a bulk statement sends one notification
 *   naming every provider it touched, not one per row. Updates that change no column the in-memory
 *   snapshot holds (usage counters, last check time, UI JSON) send nothing, so the usage flusher
 *   and unchanged health checks cost no instance a reload.
 * - The payload carries the writing transaction's id, so the instance that made the write (and has
 *   already reloaded it) can skip its own echo, and the providers, so receivers reload only those.
 *   Past NOTIFY's 8000-byte limit it says "all" instead.
 * - A credential written without provider_config_id (or with one that disagrees with its provider
 *   slug) is linked to its provider's config here, creating the config the way the backfill did.
 *
 * The channel name is CHANGE_CHANNEL in src/database/coordination/coordination.ts.
 */
/**
 * Per table, the columns the in-memory snapshot holds: an UPDATE that changes none of them (usage
 * counters, last check time, latency, UI JSON) announces nothing. Frozen as of this migration: a
 * later change to the snapshot's columns is a new migration that replaces these functions with its
 * own full SQL (as 1764000010000-LearnFromCallsAndSpend does); test/database/snapshot-trigger.spec.ts
 * fails when the installed trigger misses a column the snapshot reads.
 */
const SNAPSHOT_COLUMNS: Record<string, string[]> = {
  provider_configs: [
    'provider',
    'display_name',
    'display_name_override',
    'enabled',
    'priority',
    'priority_override',
    'capabilities',
    'capabilities_override',
    'health_status',
  ],
  ai_credentials: ['provider', 'credential_type', 'provider_config_id', 'is_active', 'expires_at', 'encrypted_credentials', 'metadata'],
};

/** The statement-level trigger function of `table`: the providers its rows name before and after. */
function changedFunction(table: string, columns: string[]): string {
  const row = (alias: string) => `(${columns.map((column) => `${alias}.${column}`).join(', ')})`;
  return `
      CREATE FUNCTION "ai_registry_${table}_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changed text[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          SELECT array_agg(DISTINCT provider) INTO changed FROM new_rows;
        ELSIF TG_OP = 'DELETE' THEN
          SELECT array_agg(DISTINCT provider) INTO changed FROM old_rows;
        ELSE
          SELECT array_agg(DISTINCT s.provider) INTO changed FROM (
            SELECT n.provider, o.provider AS old_provider FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE ${row('n')} IS DISTINCT FROM ${row('o')}
          ) d CROSS JOIN LATERAL (VALUES (d.provider), (d.old_provider)) AS s(provider);
        END IF;
        PERFORM ai_registry_notify(changed);
        RETURN NULL;
      END
      $$`;
}

export class PropagateRegistryChanges1764000005000 implements MigrationInterface {
  name = 'PropagateRegistryChanges1764000005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION "ai_registry_notify"(changed text[]) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        payload text;
      BEGIN
        IF changed IS NULL OR cardinality(changed) = 0 THEN
          RETURN;
        END IF;
        payload := json_build_object('xid', pg_current_xact_id()::text, 'providers', changed)::text;
        IF octet_length(payload) > 7900 THEN
          payload := json_build_object('xid', pg_current_xact_id()::text, 'all', true)::text;
        END IF;
        PERFORM pg_notify('ai_registry_changes', payload);
      END
      $$`);

    for (const [table, columns] of Object.entries(SNAPSHOT_COLUMNS)) {
      await queryRunner.query(changedFunction(table, columns));
    }

    for (const table of Object.keys(SNAPSHOT_COLUMNS)) {
      const fn = `ai_registry_${table}_changed`;
      await queryRunner.query(
        `CREATE TRIGGER "${fn}_insert" AFTER INSERT ON "${table}" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "${fn}"()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "${fn}_update" AFTER UPDATE ON "${table}" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "${fn}"()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "${fn}_delete" AFTER DELETE ON "${table}" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "${fn}"()`,
      );
    }

    // TRUNCATE has no rows to name (and no transition tables): it tells every instance to reload all.
    await queryRunner.query(`
      CREATE FUNCTION "ai_registry_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('ai_registry_changes', json_build_object('xid', pg_current_xact_id()::text, 'all', true)::text);
        RETURN NULL;
      END
      $$`);
    for (const table of Object.keys(SNAPSHOT_COLUMNS)) {
      await queryRunner.query(
        `CREATE TRIGGER "ai_registry_${table}_truncated" AFTER TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "ai_registry_truncated"()`,
      );
    }

    // A credential's ciphertext is bound to its provider's slug (the AAD): renaming a config that has
    // credentials would leave them linked to the old name and unreadable under the new one.
    await queryRunner.query(`
      CREATE FUNCTION "ai_registry_refuse_rename"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.provider IS DISTINCT FROM OLD.provider AND EXISTS (SELECT 1 FROM ai_credentials WHERE provider_config_id = OLD.id) THEN
          RAISE EXCEPTION 'provider % has credentials: remove them before renaming it (their encryption is bound to the name)', OLD.provider
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER "ai_registry_refuse_rename" BEFORE UPDATE OF provider ON "provider_configs"
      FOR EACH ROW EXECUTE FUNCTION "ai_registry_refuse_rename"()`);

    await queryRunner.query(`
      CREATE FUNCTION "ai_registry_link_credential"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        config_id bigint;
      BEGIN
        SELECT id INTO config_id FROM provider_configs WHERE provider = NEW.provider;
        IF config_id IS NULL THEN
          INSERT INTO provider_configs (provider, display_name) VALUES (NEW.provider, NEW.provider)
          ON CONFLICT (provider) DO UPDATE SET provider = EXCLUDED.provider
          RETURNING id INTO config_id;
        END IF;
        NEW.provider_config_id := config_id;
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER "ai_registry_link_credential" BEFORE INSERT OR UPDATE OF provider, provider_config_id ON "ai_credentials"
      FOR EACH ROW EXECUTE FUNCTION "ai_registry_link_credential"()`);
    // Rows a legacy writer added between the backfill and this migration.
    await queryRunner.query(`
      UPDATE "ai_credentials" c SET "provider_config_id" = p."id"
      FROM "provider_configs" p
      WHERE p."provider" = c."provider" AND c."provider_config_id" IS DISTINCT FROM p."id"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "ai_registry_link_credential" ON "ai_credentials"`);
    await queryRunner.query(`DROP TRIGGER "ai_registry_refuse_rename" ON "provider_configs"`);
    await queryRunner.query(`DROP FUNCTION "ai_registry_refuse_rename"()`);
    for (const table of Object.keys(SNAPSHOT_COLUMNS))
      await queryRunner.query(`DROP TRIGGER "ai_registry_${table}_truncated" ON "${table}"`);
    await queryRunner.query(`DROP FUNCTION "ai_registry_truncated"()`);
    await queryRunner.query(`DROP FUNCTION "ai_registry_link_credential"()`);
    for (const table of Object.keys(SNAPSHOT_COLUMNS)) {
      const fn = `ai_registry_${table}_changed`;
      for (const op of ['insert', 'update', 'delete']) await queryRunner.query(`DROP TRIGGER "${fn}_${op}" ON "${table}"`);
      await queryRunner.query(`DROP FUNCTION "${fn}"()`);
    }
    await queryRunner.query(`DROP FUNCTION "ai_registry_notify"(text[])`);
  }
}
