import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: who changed what, when, on which provider, with the before and after of the
 * non-secret fields. Row-level triggers write it, so every writer is covered (our API, the CLI,
 * psql, a legacy app) and an event commits or rolls back with its change. The actor is the
 * transaction-local setting `ai_registry.actor` (src/database/with-actor.ts); without one it is
 * 'database'.
 *
 * Only operator-owned changes are recorded: the UPDATE triggers are `UPDATE OF` the watched columns,
 * so the usage flusher, the health checker and token use (last_used_at) never even call them, and
 * an update that leaves every watched field as it was records nothing. Secrets never enter the
 * trail: a changed encrypted_credentials or token_hash is `"secret": "replaced"` (a key rotation,
 * which re-encrypts the same secret, is `credential.reencrypted`), and at most the id of the key a
 * credential is encrypted with (shown by the API too) is read from its envelope. Frozen as of this
 * migration: recording other columns later is a new migration that replaces these functions with
 * its own full SQL (as 1764000011000-AuditBudgets does).
 *
 * The server's, not ProvidersModule's: a host app running only the module's migrations has no
 * trail, and its writes behave exactly as without it.
 */

/** Fields recorded per table, as `jsonb` keys (camelCase, like the API); `r` is the row. */
const FIELDS = {
  provider_configs: `jsonb_build_object('provider', r.provider, 'displayName', r.display_name,
    'displayNameOverride', r.display_name_override, 'enabled', r.enabled,
    'priority', r.priority, 'capabilities', r.capabilities, 'priorityOverride', r.priority_override,
    'capabilitiesOverride', r.capabilities_override, 'uiPreferences', r.ui_preferences)`,
  ai_credentials: `jsonb_build_object('provider', r.provider, 'credentialType', r.credential_type, 'isActive', r.is_active,
    'expiresAt', r.expires_at, 'baseUrl', r.metadata -> 'baseUrl', 'uiMetadata', r.ui_metadata,
    'keyId', substring(r.encrypted_credentials FROM '^v1:([A-Za-z0-9_-]{1,64}):'))`,
  api_tokens: `jsonb_build_object('name', r.name, 'role', r.role, 'expiresAt', r.expires_at, 'revokedAt', r.revoked_at)`,
};

/** The columns whose UPDATE can change a recorded field (or a secret). */
const WATCHED = {
  provider_configs: [
    'provider',
    'display_name',
    'display_name_override',
    'enabled',
    'priority',
    'priority_override',
    'capabilities',
    'capabilities_override',
    'ui_preferences',
  ],
  ai_credentials: ['provider', 'credential_type', 'encrypted_credentials', 'metadata', 'expires_at', 'is_active', 'ui_metadata'],
  api_tokens: ['name', 'role', 'token_hash', 'expires_at', 'revoked_at'],
};

type Table = keyof typeof FIELDS;

/**
 * Per table: the event's provider and target, the secret column, and the action of an UPDATE
 * (`changed`: the fields that differ; `secret_changed`). One write is one event, so when a write
 * changes several things the action names the weightiest and before/after hold all of them.
 */
const EVENTS: Record<
  Table,
  { provider: string; target: string; secret: string | null; created: string; deleted: string; updated: string }
> = {
  provider_configs: {
    provider: 'r.provider',
    target: 'NULL',
    secret: null,
    created: 'provider.created',
    deleted: 'provider.deleted',
    updated: `CASE
        WHEN 'provider' = ANY(changed) THEN 'provider.renamed'
        WHEN 'enabled' = ANY(changed) THEN CASE WHEN NEW.enabled THEN 'provider.enabled' ELSE 'provider.disabled' END
        WHEN changed && ARRAY['displayNameOverride', 'priorityOverride', 'capabilitiesOverride'] THEN 'provider.overrides_changed'
        WHEN 'uiPreferences' = ANY(changed) THEN 'provider.preferences_changed'
        ELSE 'provider.catalog_updated' END`,
  },
  ai_credentials: {
    provider: 'r.provider',
    target: 'r.id::text',
    secret: 'encrypted_credentials',
    created: 'credential.stored',
    deleted: 'credential.removed',
    // rotateBatch() says `ai_registry.change = key-rotation`: the same secret under another key, not a new one.
    updated: `CASE
        WHEN secret_changed AND current_setting('ai_registry.change', true) = 'key-rotation' THEN 'credential.reencrypted'
        WHEN secret_changed THEN 'credential.replaced'
        WHEN 'isActive' = ANY(changed) THEN CASE WHEN NEW.is_active THEN 'credential.activated' ELSE 'credential.deactivated' END
        ELSE 'credential.updated' END`,
  },
  api_tokens: {
    provider: 'NULL',
    target: 'r.name',
    secret: 'token_hash',
    created: 'token.created',
    deleted: 'token.deleted',
    updated: `CASE
        WHEN 'revokedAt' = ANY(changed) AND NEW.revoked_at IS NOT NULL THEN 'token.revoked'
        WHEN 'revokedAt' = ANY(changed) THEN 'token.restored'
        WHEN secret_changed THEN 'token.replaced'
        ELSE 'token.updated' END`,
  },
};

const TABLES = Object.keys(FIELDS) as Table[];

/** The row trigger function of `table` (a later migration that replaces it writes out its own full SQL). */
function rowFunction(table: Table): string {
  const fields = FIELDS[table];
  const event = EVENTS[table];
  const at = (row: 'OLD' | 'NEW', expression: string) => expression.replace(/\br\./g, `${row}.`);
  const fieldsOf = (row: 'OLD' | 'NEW') => at(row, fields);
  const secretChanged = event.secret ? `NEW.${event.secret} IS DISTINCT FROM OLD.${event.secret}` : 'false';
  return `
      CREATE FUNCTION "ai_audit_${table}"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        before_fields jsonb;
        after_fields jsonb;
        changed text[];
        secret_changed boolean;
        action text;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO audit_events (actor, action, provider, target, after)
          VALUES (ai_audit_actor(), '${event.created}', ${at('NEW', event.provider)}, ${at('NEW', event.target)}, ${fieldsOf('NEW')});
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
          INSERT INTO audit_events (actor, action, provider, target, before)
          VALUES (ai_audit_actor(), '${event.deleted}', ${at('OLD', event.provider)}, ${at('OLD', event.target)}, ${fieldsOf('OLD')});
          RETURN NULL;
        END IF;
        before_fields := ${fieldsOf('OLD')};
        after_fields := ${fieldsOf('NEW')};
        changed := ARRAY(SELECT k FROM jsonb_object_keys(after_fields) AS k WHERE after_fields -> k IS DISTINCT FROM before_fields -> k ORDER BY k);
        secret_changed := ${secretChanged};
        IF cardinality(changed) = 0 AND NOT secret_changed THEN
          RETURN NULL;
        END IF;
        action := ${event.updated};
        INSERT INTO audit_events (actor, action, provider, target, before, after)
        VALUES (ai_audit_actor(), action, ${at('NEW', event.provider)}, ${at('NEW', event.target)},
          ai_audit_only(before_fields, changed),
          ai_audit_only(after_fields, changed)
            || CASE WHEN secret_changed AND action <> 'credential.reencrypted' THEN '{"secret": "replaced"}'::jsonb ELSE '{}'::jsonb END);
        RETURN NULL;
      END
      $$`;
}

export class CreateAuditEvents1764000009000 implements MigrationInterface {
  name = 'CreateAuditEvents1764000009000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_events" (
        "id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "actor" text NOT NULL,
        "action" text NOT NULL,
        "provider" text,
        "target" text,
        "before" jsonb,
        "after" jsonb,
        CONSTRAINT "PK_audit_events" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_events_occurred_at" ON "audit_events" ("occurred_at")`);
    // Pages are keyset on id (newest first): one provider's pages read this index in that order.
    await queryRunner.query(`CREATE INDEX "IDX_audit_events_provider_id" ON "audit_events" ("provider", "id")`);

    // Unset in this session is NULL; set earlier in it by a transaction that ended, it reads ''.
    await queryRunner.query(`
      CREATE FUNCTION "ai_audit_actor"() RETURNS text LANGUAGE sql STABLE AS $$
        SELECT coalesce(nullif(current_setting('ai_registry.actor', true), ''), 'database')
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION "ai_audit_only"(fields jsonb, keys text[]) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(jsonb_object_agg(k, fields -> k), '{}'::jsonb) FROM unnest(keys) AS k
      $$`);
    for (const table of TABLES) {
      await queryRunner.query(rowFunction(table));
      await queryRunner.query(
        `CREATE TRIGGER "ai_audit_${table}_insert_delete" AFTER INSERT OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION "ai_audit_${table}"()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "ai_audit_${table}_update" AFTER UPDATE OF ${WATCHED[table].map((c) => `"${c}"`).join(', ')} ON "${table}"
         FOR EACH ROW EXECUTE FUNCTION "ai_audit_${table}"()`,
      );
    }

    // TRUNCATE removes rows without row triggers: one event says the whole table was emptied.
    await queryRunner.query(`
      CREATE FUNCTION "ai_audit_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO audit_events (actor, action, target) VALUES (ai_audit_actor(), 'table.truncated', TG_TABLE_NAME);
        RETURN NULL;
      END
      $$`);
    for (const table of TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER "ai_audit_${table}_truncate" AFTER TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "ai_audit_truncated"()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      for (const trigger of ['truncate', 'update', 'insert_delete']) {
        await queryRunner.query(`DROP TRIGGER "ai_audit_${table}_${trigger}" ON "${table}"`);
      }
      await queryRunner.query(`DROP FUNCTION "ai_audit_${table}"()`);
    }
    await queryRunner.query(`DROP FUNCTION "ai_audit_truncated"()`);
    await queryRunner.query(`DROP FUNCTION "ai_audit_only"(jsonb, text[])`);
    await queryRunner.query(`DROP FUNCTION "ai_audit_actor"()`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
