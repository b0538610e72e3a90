import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog sync owns `priority` and `capabilities` (what the catalog file says); an operator's
 * choice goes into the override columns, which the sync never writes, so a sync can no longer
 * revert it. What the registry uses is the override when set, else the catalog's value.
 *
 * Upgrade note: values an operator set before this migration are in the catalog-owned columns and
 * cannot be told apart from the catalog's; the next sync reports them as updated back to the catalog's
 * (a dry run first shows which). Set them again with setPriority/updateCapabilities to keep them.
 */
export class SeparateOperatorOverrides1764000004500 implements MigrationInterface {
  name = 'SeparateOperatorOverrides1764000004500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "provider_configs" ADD "display_name_override" character varying(255), ADD "priority_override" integer, ADD "capabilities_override" jsonb`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Back to one column each: the operator's choice is what was in force, so it is what remains.
    await queryRunner.query(
      `UPDATE "provider_configs" SET "display_name" = COALESCE("display_name_override", "display_name"),
         "priority" = COALESCE("priority_override", "priority"), "capabilities" = COALESCE("capabilities_override", "capabilities")
       WHERE "display_name_override" IS NOT NULL OR "priority_override" IS NOT NULL OR "capabilities_override" IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "provider_configs" DROP COLUMN "capabilities_override", DROP COLUMN "priority_override", DROP COLUMN "display_name_override"`,
    );
  }
}
