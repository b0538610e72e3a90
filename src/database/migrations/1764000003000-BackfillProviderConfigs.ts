import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gives every provider that already has credentials a config row and links its credentials to it.
 * Two set-based statements whatever the row count; the catalog sync later fills capabilities.
 */
export class BackfillProviderConfigs1764000003000 implements MigrationInterface {
  name = 'BackfillProviderConfigs1764000003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      INSERT INTO "provider_configs" ("provider", "display_name")
      SELECT DISTINCT "provider", "provider" FROM "ai_credentials"
      ON CONFLICT ("provider") DO NOTHING`);
    await queryRunner.query(`
      UPDATE "ai_credentials" c SET "provider_config_id" = p."id"
      FROM "provider_configs" p
      WHERE p."provider" = c."provider" AND c."provider_config_id" IS DISTINCT FROM p."id"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Unlink first: deleting a config cascades to its credentials, and no credential may be lost.
    await queryRunner.query(`UPDATE "ai_credentials" SET "provider_config_id" = NULL WHERE "provider_config_id" IS NOT NULL`);
    await queryRunner.query(`DELETE FROM "provider_configs"`);
  }
}
