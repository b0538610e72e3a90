import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsageFlushes1764000007000 implements MigrationInterface {
  name = 'CreateUsageFlushes1764000007000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "usage_flushes" (
        "id" uuid NOT NULL,
        "flushed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_usage_flushes" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_usage_flushes_flushed_at" ON "usage_flushes" ("flushed_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "usage_flushes"`);
  }
}
