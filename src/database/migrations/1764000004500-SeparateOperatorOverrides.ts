import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog sync owns `priority` and `capabilities` (what the catalog file says); an operator's
 * choice goes into the override columns, which the sync never writes, so a sync can no longer
 * revert it. What the registry uses is the override when set, else the catalog's value.
 */
export class SeparateOperatorOverrides1764000004500 implements MigrationInterface {
  name = 'SeparateOperatorOverrides1764000004500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "provider_configs" ADD "priority_override" integer, ADD "capabilities_override" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "provider_configs" DROP COLUMN "capabilities_override", DROP COLUMN "priority_override"`);
  }
}
