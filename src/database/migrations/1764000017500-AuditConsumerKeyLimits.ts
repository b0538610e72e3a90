import { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The audit trail of consumer keys (1764000013500-AuditConsumerKeys) also records their limits: a
 * change of rpm, tpm, max_parallel or the budget is `consumer_key.updated` with the before and after
 * of what changed; a created or deleted key's event carries its limits. The update trigger fires on
 * the limit columns too. down() puts back the function and trigger as they were. Written out in
 * full: a migration carries its own SQL and never changes when another one does.
 */
const AUDIT_FUNCTION = `
      CREATE OR REPLACE FUNCTION "ai_audit_consumer_keys"() RETURNS trigger LANGUAGE plpgsql AS $$
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
            jsonb_build_object('name', NEW.name, 'models', NEW.models, 'expiresAt', NEW.expires_at, 'revokedAt', NEW.revoked_at,
              'rpm', NEW.rpm, 'tpm', NEW.tpm, 'maxParallel', NEW.max_parallel, 'budgetUsd', NEW.budget_usd, 'budgetWindow', NEW.budget_window, 'budgetWarnRatio', NEW.budget_warn_ratio));
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
          INSERT INTO audit_events (actor, action, provider, target, before)
          VALUES (ai_audit_actor(), 'consumer_key.deleted', NULL, OLD.name,
            jsonb_build_object('name', OLD.name, 'models', OLD.models, 'expiresAt', OLD.expires_at, 'revokedAt', OLD.revoked_at,
              'rpm', OLD.rpm, 'tpm', OLD.tpm, 'maxParallel', OLD.max_parallel, 'budgetUsd', OLD.budget_usd, 'budgetWindow', OLD.budget_window, 'budgetWarnRatio', OLD.budget_warn_ratio));
          RETURN NULL;
        END IF;
        before_fields := jsonb_build_object('name', OLD.name, 'models', OLD.models, 'expiresAt', OLD.expires_at, 'revokedAt', OLD.revoked_at,
              'rpm', OLD.rpm, 'tpm', OLD.tpm, 'maxParallel', OLD.max_parallel, 'budgetUsd', OLD.budget_usd, 'budgetWindow', OLD.budget_window, 'budgetWarnRatio', OLD.budget_warn_ratio);
        after_fields := jsonb_build_object('name', NEW.name, 'models', NEW.models, 'expiresAt', NEW.expires_at, 'revokedAt', NEW.revoked_at,
              'rpm', NEW.rpm, 'tpm', NEW.tpm, 'maxParallel', NEW.max_parallel, 'budgetUsd', NEW.budget_usd, 'budgetWindow', NEW.budget_window, 'budgetWarnRatio', NEW.budget_warn_ratio);
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

const PREVIOUS_AUDIT_FUNCTION = `
      CREATE OR REPLACE FUNCTION "ai_audit_consumer_keys"() RETURNS trigger LANGUAGE plpgsql AS $$
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

const COLUMNS = `"name", "key_hash", "models", "expires_at", "revoked_at"`;
const LIMIT_COLUMNS = `"rpm", "tpm", "max_parallel", "budget_usd", "budget_window", "budget_warn_ratio"`;

export class AuditConsumerKeyLimits1764000017500 implements MigrationInterface {
  name = 'AuditConsumerKeyLimits1764000017500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(AUDIT_FUNCTION);
    await queryRunner.query(`DROP TRIGGER "ai_audit_consumer_keys_update" ON "consumer_keys"`);
    await queryRunner.query(
      `CREATE TRIGGER "ai_audit_consumer_keys_update" AFTER UPDATE OF ${COLUMNS}, ${LIMIT_COLUMNS} ON "consumer_keys"
       FOR EACH ROW EXECUTE FUNCTION "ai_audit_consumer_keys"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "ai_audit_consumer_keys_update" ON "consumer_keys"`);
    await queryRunner.query(
      `CREATE TRIGGER "ai_audit_consumer_keys_update" AFTER UPDATE OF ${COLUMNS} ON "consumer_keys"
       FOR EACH ROW EXECUTE FUNCTION "ai_audit_consumer_keys"()`,
    );
    await queryRunner.query(PREVIOUS_AUDIT_FUNCTION);
  }
}
