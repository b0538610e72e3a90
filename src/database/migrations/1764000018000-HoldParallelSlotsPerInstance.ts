import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calls in flight per consumer key (max_parallel) are held per instance with an expiry, renewed while
 * the instance holds any: an instance killed without giving its slots back no longer shrinks the
 * key's limit for good, its slots count until its rows expire. Replaces the `parallel` rows of
 * consumer_key_allowances (a running total nobody could correct once its holder was gone). Instances
 * of the previous version still running during an upgrade lease from those rows: the narrowed CHECK
 * refuses them, so their calls of keys with max_parallel fail until they are replaced, instead of
 * being counted apart from the new instances' slots.
 */
export class HoldParallelSlotsPerInstance1764000018000 implements MigrationInterface {
  name = 'HoldParallelSlotsPerInstance1764000018000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "consumer_key_parallel_slots" (
        "consumer_key_id" bigint NOT NULL,
        "holder" character varying(64) NOT NULL,
        "slots" integer NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "CHK_consumer_key_parallel_slots_slots" CHECK ("slots" >= 0),
        CONSTRAINT "PK_consumer_key_parallel_slots" PRIMARY KEY ("consumer_key_id", "holder"))`);
    await queryRunner.query(`DELETE FROM "consumer_key_allowances" WHERE "kind" = 'parallel'`);
    await queryRunner.query(`ALTER TABLE "consumer_key_allowances" DROP CONSTRAINT "CHK_consumer_key_allowances_kind"`);
    await queryRunner.query(
      `ALTER TABLE "consumer_key_allowances" ADD CONSTRAINT "CHK_consumer_key_allowances_kind" CHECK ("kind" IN ('requests', 'tokens', 'usd_nanos'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "consumer_key_allowances" DROP CONSTRAINT "CHK_consumer_key_allowances_kind"`);
    await queryRunner.query(
      `ALTER TABLE "consumer_key_allowances" ADD CONSTRAINT "CHK_consumer_key_allowances_kind" CHECK ("kind" IN ('requests', 'tokens', 'usd_nanos', 'parallel'))`,
    );
    await queryRunner.query(`DROP TABLE "consumer_key_parallel_slots"`);
  }
}
