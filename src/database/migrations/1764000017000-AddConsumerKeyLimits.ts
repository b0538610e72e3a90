import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Limits per consumer key, each null for none: requests and tokens per UTC minute, calls in flight,
 * and a budget in USD per UTC day or month (with the share at which a warning is logged). And the
 * table the instances lease slices of those limits from (src/registry/key-limits): one row per key,
 * kind and window, `granted` the sum of every slice handed out in that window, never above the limit
 * (the lease is one conditional upsert, which also writes what it granted to `last_lease` so that its
 * RETURNING tells the leasing instance its share). `parallel` rows are not windowed (window_start = the epoch):
 * their `granted` is the slots instances hold now, given back as calls end.
 */
export class AddConsumerKeyLimits1764000017000 implements MigrationInterface {
  name = 'AddConsumerKeyLimits1764000017000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "consumer_keys" ADD "rpm" integer`);
    await queryRunner.query(`ALTER TABLE "consumer_keys" ADD "tpm" integer`);
    await queryRunner.query(`ALTER TABLE "consumer_keys" ADD "max_parallel" integer`);
    await queryRunner.query(`ALTER TABLE "consumer_keys" ADD "budget_usd" numeric(14,4)`);
    await queryRunner.query(`ALTER TABLE "consumer_keys" ADD "budget_window" character varying(8)`);
    await queryRunner.query(`ALTER TABLE "consumer_keys" ADD "budget_warn_ratio" real`);
    await queryRunner.query(
      `ALTER TABLE "consumer_keys" ADD CONSTRAINT "CHK_consumer_keys_limits" CHECK ("rpm" > 0 AND "tpm" > 0 AND "max_parallel" > 0 AND "budget_usd" > 0 AND "budget_warn_ratio" > 0 AND "budget_warn_ratio" <= 1)`,
    );
    await queryRunner.query(
      `ALTER TABLE "consumer_keys" ADD CONSTRAINT "CHK_consumer_keys_budget_window" CHECK (("budget_usd" IS NULL) = ("budget_window" IS NULL) AND "budget_window" IN ('day', 'month'))`,
    );
    await queryRunner.query(`
      CREATE TABLE "consumer_key_allowances" (
        "consumer_key_id" bigint NOT NULL,
        "kind" character varying(16) NOT NULL,
        "window_start" TIMESTAMP WITH TIME ZONE NOT NULL,
        "granted" bigint NOT NULL DEFAULT '0',
        "last_lease" bigint NOT NULL DEFAULT '0',
        "warned" boolean NOT NULL DEFAULT false,
        CONSTRAINT "CHK_consumer_key_allowances_kind" CHECK ("kind" IN ('requests', 'tokens', 'usd_nanos', 'parallel')),
        CONSTRAINT "CHK_consumer_key_allowances_granted" CHECK ("granted" >= 0),
        CONSTRAINT "PK_consumer_key_allowances" PRIMARY KEY ("consumer_key_id", "kind", "window_start"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "consumer_key_allowances"`);
    await queryRunner.query(`ALTER TABLE "consumer_keys" DROP CONSTRAINT "CHK_consumer_keys_budget_window"`);
    await queryRunner.query(`ALTER TABLE "consumer_keys" DROP CONSTRAINT "CHK_consumer_keys_limits"`);
    for (const column of ['budget_warn_ratio', 'budget_window', 'budget_usd', 'max_parallel', 'tpm', 'rpm']) {
      await queryRunner.query(`ALTER TABLE "consumer_keys" DROP COLUMN "${column}"`);
    }
  }
}
