import { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The change trigger of provider_configs (see 1764000005000-PropagateRegistryChanges) as this
 * migration leaves it: the snapshot now also holds the circuit (passive health) and the budget, so
 * their changes are announced too. Written out in full, as is the one down() restores: a migration
 * carries its own SQL and never changes when another one does.
 */
const CHANGED_FUNCTION_WITH_CIRCUIT_AND_BUDGET = `
      CREATE OR REPLACE FUNCTION "ai_registry_provider_configs_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
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
            WHERE (n.provider, n.display_name, n.display_name_override, n.enabled, n.priority, n.priority_override, n.capabilities, n.capabilities_override, n.health_status, n.circuit_state, n.circuit_until, n.circuit_trips, n.circuit_reason, n.circuit_changed_at, n.budget_usd, n.budget_window, n.budget_warn_ratio, n.budget_exhausted_until) IS DISTINCT FROM (o.provider, o.display_name, o.display_name_override, o.enabled, o.priority, o.priority_override, o.capabilities, o.capabilities_override, o.health_status, o.circuit_state, o.circuit_until, o.circuit_trips, o.circuit_reason, o.circuit_changed_at, o.budget_usd, o.budget_window, o.budget_warn_ratio, o.budget_exhausted_until)
          ) d CROSS JOIN LATERAL (VALUES (d.provider), (d.old_provider)) AS s(provider);
        END IF;
        PERFORM ai_registry_notify(changed);
        RETURN NULL;
      END
      $$`;

/** The function as 1764000005000-PropagateRegistryChanges created it. */
const CHANGED_FUNCTION_BEFORE = `
      CREATE OR REPLACE FUNCTION "ai_registry_provider_configs_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
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
            WHERE (n.provider, n.display_name, n.display_name_override, n.enabled, n.priority, n.priority_override, n.capabilities, n.capabilities_override, n.health_status) IS DISTINCT FROM (o.provider, o.display_name, o.display_name_override, o.enabled, o.priority, o.priority_override, o.capabilities, o.capabilities_override, o.health_status)
          ) d CROSS JOIN LATERAL (VALUES (d.provider), (d.old_provider)) AS s(provider);
        END IF;
        PERFORM ai_registry_notify(changed);
        RETURN NULL;
      END
      $$`;

/**
 * Health learned from real traffic and spend: outcome buckets shared by every instance, usage and
 * cost per day/provider/model/credential, the circuit and the budget on provider_configs, and which
 * source decided each health history row.
 */
export class LearnFromCallsAndSpend1764000010000 implements MigrationInterface {
  name = 'LearnFromCallsAndSpend1764000010000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "call_outcome_buckets" ("provider" character varying(63) NOT NULL, "bucket_start" TIMESTAMP WITH TIME ZONE NOT NULL, "model" character varying(200) NOT NULL, "successes" bigint NOT NULL DEFAULT '0', "errors" bigint NOT NULL DEFAULT '0', "timeouts" bigint NOT NULL DEFAULT '0', "rate_limited" bigint NOT NULL DEFAULT '0', "auth_errors" bigint NOT NULL DEFAULT '0', "latency_ms_sum" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_call_outcome_buckets" PRIMARY KEY ("provider", "bucket_start", "model"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_call_outcome_buckets_bucket" ON "call_outcome_buckets" ("bucket_start")`);
    await queryRunner.query(
      `CREATE TABLE "usage_daily" ("day" date NOT NULL, "provider" character varying(63) NOT NULL, "model" character varying(200) NOT NULL, "credential_id" bigint NOT NULL, "requests" bigint NOT NULL DEFAULT '0', "input_tokens" bigint NOT NULL DEFAULT '0', "output_tokens" bigint NOT NULL DEFAULT '0', "cost_nanos" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_usage_daily" PRIMARY KEY ("day", "provider", "model", "credential_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_usage_daily_provider_day" ON "usage_daily" ("provider", "day")`);
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "circuit_state" character varying(8) NOT NULL DEFAULT 'closed'`);
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "circuit_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "circuit_trips" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "circuit_reason" text`);
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "circuit_changed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "budget_usd" numeric(14,4)`);
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "budget_window" character varying(8) NOT NULL DEFAULT 'month'`);
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "budget_warn_ratio" real NOT NULL DEFAULT '0.8'`);
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "budget_exhausted_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "budget_warned_window" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "provider_health_checks" ADD "source" character varying(8) NOT NULL DEFAULT 'probe'`);
    await queryRunner.query(
      `ALTER TABLE "provider_configs" ADD CONSTRAINT "CHK_provider_configs_budget_window" CHECK ("budget_window" IN ('day', 'month'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "provider_configs" ADD CONSTRAINT "CHK_provider_configs_circuit_state" CHECK ("circuit_state" IN ('closed', 'open'))`,
    );
    await queryRunner.query(CHANGED_FUNCTION_WITH_CIRCUIT_AND_BUDGET);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(CHANGED_FUNCTION_BEFORE);
    await queryRunner.query(`ALTER TABLE "provider_configs" DROP CONSTRAINT "CHK_provider_configs_circuit_state"`);
    await queryRunner.query(`ALTER TABLE "provider_configs" DROP CONSTRAINT "CHK_provider_configs_budget_window"`);
    await queryRunner.query(`ALTER TABLE "provider_health_checks" DROP COLUMN "source"`);
    for (const column of [
      'budget_warned_window',
      'budget_exhausted_until',
      'budget_warn_ratio',
      'budget_window',
      'budget_usd',
      'circuit_changed_at',
      'circuit_reason',
      'circuit_trips',
      'circuit_until',
      'circuit_state',
    ]) {
      await queryRunner.query(`ALTER TABLE "provider_configs" DROP COLUMN "${column}"`);
    }
    await queryRunner.query(`DROP TABLE "usage_daily"`);
    await queryRunner.query(`DROP TABLE "call_outcome_buckets"`);
  }
}
