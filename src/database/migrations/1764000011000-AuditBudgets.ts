import { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The row trigger function of provider_configs' audit trail (see 1764000009000-CreateAuditEvents)
 * as this migration leaves it: the operator's budget is recorded too (its spend status is the
 * flush's, not recorded) and a change of it is `provider.budget_changed`. Written out in full, as
 * is the one down() restores: a migration carries its own SQL and never changes when another one does.
 */
const AUDIT_FUNCTION_WITH_BUDGET = `
      CREATE OR REPLACE FUNCTION "ai_audit_provider_configs"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        before_fields jsonb;
        after_fields jsonb;
        changed text[];
        secret_changed boolean;
        action text;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO audit_events (actor, action, provider, target, after)
          VALUES (ai_audit_actor(), 'provider.created', NEW.provider, NULL, jsonb_build_object('provider', NEW.provider, 'displayName', NEW.display_name,
    'displayNameOverride', NEW.display_name_override, 'enabled', NEW.enabled,
    'priority', NEW.priority, 'capabilities', NEW.capabilities, 'priorityOverride', NEW.priority_override,
    'capabilitiesOverride', NEW.capabilities_override, 'uiPreferences', NEW.ui_preferences, 'budgetUsd', NEW.budget_usd, 'budgetWindow', NEW.budget_window, 'budgetWarnAt', NEW.budget_warn_ratio));
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
          INSERT INTO audit_events (actor, action, provider, target, before)
          VALUES (ai_audit_actor(), 'provider.deleted', OLD.provider, NULL, jsonb_build_object('provider', OLD.provider, 'displayName', OLD.display_name,
    'displayNameOverride', OLD.display_name_override, 'enabled', OLD.enabled,
    'priority', OLD.priority, 'capabilities', OLD.capabilities, 'priorityOverride', OLD.priority_override,
    'capabilitiesOverride', OLD.capabilities_override, 'uiPreferences', OLD.ui_preferences, 'budgetUsd', OLD.budget_usd, 'budgetWindow', OLD.budget_window, 'budgetWarnAt', OLD.budget_warn_ratio));
          RETURN NULL;
        END IF;
        before_fields := jsonb_build_object('provider', OLD.provider, 'displayName', OLD.display_name,
    'displayNameOverride', OLD.display_name_override, 'enabled', OLD.enabled,
    'priority', OLD.priority, 'capabilities', OLD.capabilities, 'priorityOverride', OLD.priority_override,
    'capabilitiesOverride', OLD.capabilities_override, 'uiPreferences', OLD.ui_preferences, 'budgetUsd', OLD.budget_usd, 'budgetWindow', OLD.budget_window, 'budgetWarnAt', OLD.budget_warn_ratio);
        after_fields := jsonb_build_object('provider', NEW.provider, 'displayName', NEW.display_name,
    'displayNameOverride', NEW.display_name_override, 'enabled', NEW.enabled,
    'priority', NEW.priority, 'capabilities', NEW.capabilities, 'priorityOverride', NEW.priority_override,
    'capabilitiesOverride', NEW.capabilities_override, 'uiPreferences', NEW.ui_preferences, 'budgetUsd', NEW.budget_usd, 'budgetWindow', NEW.budget_window, 'budgetWarnAt', NEW.budget_warn_ratio);
        changed := ARRAY(SELECT k FROM jsonb_object_keys(after_fields) AS k WHERE after_fields -> k IS DISTINCT FROM before_fields -> k ORDER BY k);
        secret_changed := false;
        IF cardinality(changed) = 0 AND NOT secret_changed THEN
          RETURN NULL;
        END IF;
        action := CASE
        WHEN 'provider' = ANY(changed) THEN 'provider.renamed'
        WHEN 'enabled' = ANY(changed) THEN CASE WHEN NEW.enabled THEN 'provider.enabled' ELSE 'provider.disabled' END
        WHEN changed && ARRAY['displayNameOverride', 'priorityOverride', 'capabilitiesOverride'] THEN 'provider.overrides_changed'
        WHEN 'uiPreferences' = ANY(changed) THEN 'provider.preferences_changed'
        WHEN changed && ARRAY['budgetUsd', 'budgetWindow', 'budgetWarnAt'] THEN 'provider.budget_changed'
        ELSE 'provider.catalog_updated' END;
        INSERT INTO audit_events (actor, action, provider, target, before, after)
        VALUES (ai_audit_actor(), action, NEW.provider, NULL,
          ai_audit_only(before_fields, changed),
          ai_audit_only(after_fields, changed)
            || CASE WHEN secret_changed AND action <> 'credential.reencrypted' THEN '{"secret": "replaced"}'::jsonb ELSE '{}'::jsonb END);
        RETURN NULL;
      END
      $$`;

/** The function as 1764000009000-CreateAuditEvents created it. */
const AUDIT_FUNCTION_BEFORE = `
      CREATE OR REPLACE FUNCTION "ai_audit_provider_configs"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        before_fields jsonb;
        after_fields jsonb;
        changed text[];
        secret_changed boolean;
        action text;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO audit_events (actor, action, provider, target, after)
          VALUES (ai_audit_actor(), 'provider.created', NEW.provider, NULL, jsonb_build_object('provider', NEW.provider, 'displayName', NEW.display_name,
    'displayNameOverride', NEW.display_name_override, 'enabled', NEW.enabled,
    'priority', NEW.priority, 'capabilities', NEW.capabilities, 'priorityOverride', NEW.priority_override,
    'capabilitiesOverride', NEW.capabilities_override, 'uiPreferences', NEW.ui_preferences));
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
          INSERT INTO audit_events (actor, action, provider, target, before)
          VALUES (ai_audit_actor(), 'provider.deleted', OLD.provider, NULL, jsonb_build_object('provider', OLD.provider, 'displayName', OLD.display_name,
    'displayNameOverride', OLD.display_name_override, 'enabled', OLD.enabled,
    'priority', OLD.priority, 'capabilities', OLD.capabilities, 'priorityOverride', OLD.priority_override,
    'capabilitiesOverride', OLD.capabilities_override, 'uiPreferences', OLD.ui_preferences));
          RETURN NULL;
        END IF;
        before_fields := jsonb_build_object('provider', OLD.provider, 'displayName', OLD.display_name,
    'displayNameOverride', OLD.display_name_override, 'enabled', OLD.enabled,
    'priority', OLD.priority, 'capabilities', OLD.capabilities, 'priorityOverride', OLD.priority_override,
    'capabilitiesOverride', OLD.capabilities_override, 'uiPreferences', OLD.ui_preferences);
        after_fields := jsonb_build_object('provider', NEW.provider, 'displayName', NEW.display_name,
    'displayNameOverride', NEW.display_name_override, 'enabled', NEW.enabled,
    'priority', NEW.priority, 'capabilities', NEW.capabilities, 'priorityOverride', NEW.priority_override,
    'capabilitiesOverride', NEW.capabilities_override, 'uiPreferences', NEW.ui_preferences);
        changed := ARRAY(SELECT k FROM jsonb_object_keys(after_fields) AS k WHERE after_fields -> k IS DISTINCT FROM before_fields -> k ORDER BY k);
        secret_changed := false;
        IF cardinality(changed) = 0 AND NOT secret_changed THEN
          RETURN NULL;
        END IF;
        action := CASE
        WHEN 'provider' = ANY(changed) THEN 'provider.renamed'
        WHEN 'enabled' = ANY(changed) THEN CASE WHEN NEW.enabled THEN 'provider.enabled' ELSE 'provider.disabled' END
        WHEN changed && ARRAY['displayNameOverride', 'priorityOverride', 'capabilitiesOverride'] THEN 'provider.overrides_changed'
        WHEN 'uiPreferences' = ANY(changed) THEN 'provider.preferences_changed'
        ELSE 'provider.catalog_updated' END;
        INSERT INTO audit_events (actor, action, provider, target, before, after)
        VALUES (ai_audit_actor(), action, NEW.provider, NULL,
          ai_audit_only(before_fields, changed),
          ai_audit_only(after_fields, changed)
            || CASE WHEN secret_changed AND action <> 'credential.reencrypted' THEN '{"secret": "replaced"}'::jsonb ELSE '{}'::jsonb END);
        RETURN NULL;
      END
      $$`;

/** The UPDATE trigger watches the budget columns too, so a budget change reaches the function. */
const UPDATE_TRIGGER_WITH_BUDGET = `CREATE TRIGGER "ai_audit_provider_configs_update" AFTER UPDATE OF "provider", "display_name", "display_name_override", "enabled", "priority", "priority_override", "capabilities", "capabilities_override", "ui_preferences", "budget_usd", "budget_window", "budget_warn_ratio" ON "provider_configs"
     FOR EACH ROW EXECUTE FUNCTION "ai_audit_provider_configs"()`;

/** The UPDATE trigger as 1764000009000-CreateAuditEvents created it. */
const UPDATE_TRIGGER_BEFORE = `CREATE TRIGGER "ai_audit_provider_configs_update" AFTER UPDATE OF "provider", "display_name", "display_name_override", "enabled", "priority", "priority_override", "capabilities", "capabilities_override", "ui_preferences" ON "provider_configs"
     FOR EACH ROW EXECUTE FUNCTION "ai_audit_provider_configs"()`;

const DROP_UPDATE_TRIGGER = `DROP TRIGGER "ai_audit_provider_configs_update" ON "provider_configs"`;

/** The audit trail records an operator's budget changes (`provider.budget_changed`), as it does the other settings. */
export class AuditBudgets1764000011000 implements MigrationInterface {
  name = 'AuditBudgets1764000011000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(AUDIT_FUNCTION_WITH_BUDGET);
    await queryRunner.query(DROP_UPDATE_TRIGGER);
    await queryRunner.query(UPDATE_TRIGGER_WITH_BUDGET);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(DROP_UPDATE_TRIGGER);
    await queryRunner.query(UPDATE_TRIGGER_BEFORE);
    await queryRunner.query(AUDIT_FUNCTION_BEFORE);
  }
}
