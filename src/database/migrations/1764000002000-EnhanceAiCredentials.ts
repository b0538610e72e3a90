import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Additive only: every new column is nullable or has a default, and the unique key is untouched,
 * so rows and writers from before the upgrade stay valid.
 */
export class EnhanceAiCredentials1764000002000 implements MigrationInterface {
  name = 'EnhanceAiCredentials1764000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "ai_credentials"
        ADD "ui_metadata" jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD "provider_config_id" bigint,
        ADD "usage_count" bigint NOT NULL DEFAULT 0,
        ADD "input_tokens" bigint NOT NULL DEFAULT 0,
        ADD "output_tokens" bigint NOT NULL DEFAULT 0,
        ADD "last_used_at" TIMESTAMP WITH TIME ZONE,
        ADD CONSTRAINT "FK_ai_credentials_provider_config" FOREIGN KEY ("provider_config_id")
          REFERENCES "provider_configs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // The active-credential lookups: by config (joins from provider_configs) and by provider slug with expiry.
    await queryRunner.query(
      `CREATE INDEX "IDX_ai_credentials_config_type_active" ON "ai_credentials" ("provider_config_id", "credential_type") WHERE "is_active"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ai_credentials_provider_type_expiry_active" ON "ai_credentials" ("provider", "credential_type", "expires_at") WHERE "is_active"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_ai_credentials_provider_type_expiry_active"`);
    await queryRunner.query(`DROP INDEX "IDX_ai_credentials_config_type_active"`);
    await queryRunner.query(`
      ALTER TABLE "ai_credentials"
        DROP CONSTRAINT "FK_ai_credentials_provider_config",
        DROP COLUMN "last_used_at",
        DROP COLUMN "output_tokens",
        DROP COLUMN "input_tokens",
        DROP COLUMN "usage_count",
        DROP COLUMN "provider_config_id",
        DROP COLUMN "ui_metadata"`);
  }
}
