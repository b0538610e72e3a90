import { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The audit trail (see 1764000009000-CreateAuditEvents) records consumer keys like API tokens: who
 * created, revoked, restored or changed one, by name (`target`), with the before and after of its
 * name, models, expiry and revocation. Never the key, its hash or its prefix: a new hash written by
 * hand is `"secret": "replaced"`. Updates of other columns never reach the function (UPDATE OF).
 * The server's, not ProvidersModule's, like the rest of the trail. Written out in full: a migration
 * carries its own SQL and never changes when another one does.
 */
const AUDIT_FUNCTION = `
      CREATE FUNCTION "ai_audit_consumer_keys"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        before_fields jsonb;
        after_fields jsonb;
        changed text[];
        secret_changed boolean;
        action text;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO audit_events (actor, action, provider, target, after)
          VALUES (ai_audit_actor(), 'consumer_key.created', NULL, NEW.name,
            jsonb_build_object('name', NEW.name, 'models', NEW.models, 'expiresAt', NEW.expires_at, 'revokedAt', NEW.revoked_at));
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
          INSERT INTO audit_events (actor, action, provider, target, before)
          VALUES (ai_audit_actor(), 'consumer_key.deleted', NULL, OLD.name,
            jsonb_build_object('name', OLD.name, 'models', OLD.models, 'expiresAt', OLD.expires_at, 'revokedAt', OLD.revoked_at));
          RETURN NULL;
        END IF;
        before_fields := jsonb_build_object('name', OLD.name, 'models', OLD.models, 'expiresAt', OLD.expires_at, 'revokedAt', OLD.revoked_at);
        after_fields := jsonb_build_object('name', NEW.name, 'models', NEW.models, 'expiresAt', NEW.expires_at, 'revokedAt', NEW.revoked_at);
        changed := ARRAY(SELECT k FROM jsonb_object_keys(after_fields) AS k WHERE after_fields -> k IS DISTINCT FROM before_fields -> k ORDER BY k);
        secret_changed := NEW.key_hash IS DISTINCT FROM OLD.key_hash;
        IF cardinality(changed) = 0 AND NOT secret_changed THEN
          RETURN NULL;
        END IF;
        action := CASE
          WHEN 'revokedAt' = ANY(changed) AND NEW.revoked_at IS NOT NULL THEN 'consumer_key.revoked'
          WHEN 'revokedAt' = ANY(changed) THEN 'consumer_key.restored'
          WHEN secret_changed THEN 'consumer_key.replaced'
          ELSE 'consumer_key.updated' END;
        INSERT INTO audit_events (actor, action, provider, target, before, after)
        VALUES (ai_audit_actor(), action, NULL, NEW.name,
          ai_audit_only(before_fields, changed),
          ai_audit_only(after_fields, changed) || CASE WHEN secret_changed THEN '{"secret": "replaced"}'::jsonb ELSE '{}'::jsonb END);
        RETURN NULL;
      END
      $$`;

export class AuditConsumerKeys1764000013500 implements MigrationInterface {
  name = 'AuditConsumerKeys1764000013500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(AUDIT_FUNCTION);
    await queryRunner.query(
      `CREATE TRIGGER "ai_audit_consumer_keys_insert_delete" AFTER INSERT OR DELETE ON "consumer_keys" FOR EACH ROW EXECUTE FUNCTION "ai_audit_consumer_keys"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "ai_audit_consumer_keys_update" AFTER UPDATE OF "name", "key_hash", "models", "expires_at", "revoked_at" ON "consumer_keys"
       FOR EACH ROW EXECUTE FUNCTION "ai_audit_consumer_keys"()`,
    );
    // TRUNCATE removes rows without row triggers: one event (table.truncated) says the table was emptied.
    await queryRunner.query(
      `CREATE TRIGGER "ai_audit_consumer_keys_truncate" AFTER TRUNCATE ON "consumer_keys" FOR EACH STATEMENT EXECUTE FUNCTION "ai_audit_truncated"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const trigger of ['truncate', 'update', 'insert_delete']) {
      await queryRunner.query(`DROP TRIGGER "ai_audit_consumer_keys_${trigger}" ON "consumer_keys"`);
    }
    await queryRunner.query(`DROP FUNCTION "ai_audit_consumer_keys"()`);
  }
}
