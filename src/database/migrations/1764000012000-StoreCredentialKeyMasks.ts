import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The masked form of each credential's secret (`sk-proj-…wxyz`, see mask-secret.ts), written with
 * the secret, so views show it without decrypting anything. Not backfilled here: SQL cannot decrypt
 * the envelopes. Rows stored before it keep null until their next store or key rotation fills it;
 * until then the views decrypt just those rows to mask them, as before.
 *
 * Not a watched column of the change-notification or audit triggers: a mask written on its own
 * (rotate-key filling one in) neither reloads the snapshot nor records an event.
 */
export class StoreCredentialKeyMasks1764000012000 implements MigrationInterface {
  name = 'StoreCredentialKeyMasks1764000012000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "ai_credentials" ADD "key_mask" character varying(64)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "ai_credentials" DROP COLUMN "key_mask"`);
  }
}
