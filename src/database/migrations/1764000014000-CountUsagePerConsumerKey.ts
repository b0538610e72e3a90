import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage and spend per consumer key: `usage_daily` gains `consumer_key_id` in its primary key, 0 for
 * usage made without one (everything before this migration, and every call not through the gateway),
 * as `credential_id` is 0 for usage without a credential. No foreign key, like `credential_id`: the
 * sums outlive what they were counted under.
 *
 * down() adds each day's per-key rows back into one row without a key before the old primary key
 * returns, so no usage is lost going back.
 */
export class CountUsagePerConsumerKey1764000014000 implements MigrationInterface {
  name = 'CountUsagePerConsumerKey1764000014000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "usage_daily" ADD "consumer_key_id" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "usage_daily" DROP CONSTRAINT "PK_usage_daily"`);
    await queryRunner.query(
      `ALTER TABLE "usage_daily" ADD CONSTRAINT "PK_usage_daily" PRIMARY KEY ("day", "provider", "model", "credential_id", "consumer_key_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "usage_daily" DROP CONSTRAINT "PK_usage_daily"`);
    // Every row out and back in summed without its key (the primary key is off meanwhile): one set-based statement.
    await queryRunner.query(`
      WITH removed AS (DELETE FROM "usage_daily" RETURNING *)
      INSERT INTO "usage_daily" ("day", "provider", "model", "credential_id", "consumer_key_id", "requests", "input_tokens", "output_tokens", "cost_nanos")
      SELECT "day", "provider", "model", "credential_id", 0, sum("requests"), sum("input_tokens"), sum("output_tokens"), sum("cost_nanos")
      FROM removed
      GROUP BY "day", "provider", "model", "credential_id"`);
    await queryRunner.query(`ALTER TABLE "usage_daily" DROP COLUMN "consumer_key_id"`);
    await queryRunner.query(
      `ALTER TABLE "usage_daily" ADD CONSTRAINT "PK_usage_daily" PRIMARY KEY ("day", "provider", "model", "credential_id")`,
    );
  }
}
