import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The usage ledger also remembers the idempotency keys of API usage batches (their rows carry the
 * batch's hash; a flush's row leaves it null), so one arbiter and one prune cover both.
 */
export class AddUsageBatchKeys1764000009500 implements MigrationInterface {
  name = 'AddUsageBatchKeys1764000009500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "usage_flushes" ADD "batch_hash" character(64)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "usage_flushes" DROP COLUMN "batch_hash"`);
  }
}
