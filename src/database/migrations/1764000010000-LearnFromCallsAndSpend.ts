import { MigrationInterface, QueryRunner } from 'typeorm';
import { changedFunction, SNAPSHOT_COLUMNS } from './1764000005000-PropagateRegistryChanges';

/** The snapshot now also holds the circuit (passive health) and the budget: their changes are announced too. */
const PROVIDER_SNAPSHOT_COLUMNS = [
  ...SNAPSHOT_COLUMNS.provider_configs,
  'circuit_state',
  'circuit_until',
  'circuit_trips',
  'circuit_reason',
  'circuit_changed_at',
  'budget_usd',
  'budget_window',
  'budget_warn_ratio',
  'budget_exhausted_until',
];

const replaceChangedFunction = (columns: string[]) =>
  changedFunction('provider_configs', columns).replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION');

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
    await queryRunner.query(replaceChangedFunction(PROVIDER_SNAPSHOT_COLUMNS));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(replaceChangedFunction(SNAPSHOT_COLUMNS.provider_configs));
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
