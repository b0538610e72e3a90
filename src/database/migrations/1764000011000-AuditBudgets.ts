import { MigrationInterface, QueryRunner } from 'typeorm';
import { EVENTS, FIELDS, rowFunction, WATCHED } from './1764000009000-CreateAuditEvents';

/** provider_configs' recorded fields with the operator's budget (its spend status is the flush's, not recorded). */
const PROVIDER_FIELDS = FIELDS.provider_configs.replace(
  /\)$/,
  `, 'budgetUsd', r.budget_usd, 'budgetWindow', r.budget_window, 'budgetWarnAt', r.budget_warn_ratio)`,
);
const PROVIDER_EVENT = {
  ...EVENTS.provider_configs,
  updated: EVENTS.provider_configs.updated.replace(
    `ELSE 'provider.catalog_updated' END`,
    `WHEN changed && ARRAY['budgetUsd', 'budgetWindow', 'budgetWarnAt'] THEN 'provider.budget_changed'
        ELSE 'provider.catalog_updated' END`,
  ),
};
const BUDGET_COLUMNS = ['budget_usd', 'budget_window', 'budget_warn_ratio'];

const replaceFunction = (fields: string, event: typeof PROVIDER_EVENT) =>
  rowFunction('provider_configs', fields, event).replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION');

async function watch(queryRunner: QueryRunner, columns: string[]): Promise<void> {
  await queryRunner.query(`DROP TRIGGER "ai_audit_provider_configs_update" ON "provider_configs"`);
  await queryRunner.query(
    `CREATE TRIGGER "ai_audit_provider_configs_update" AFTER UPDATE OF ${columns.map((c) => `"${c}"`).join(', ')} ON "provider_configs"
     FOR EACH ROW EXECUTE FUNCTION "ai_audit_provider_configs"()`,
  );
}

/** The audit trail records an operator's budget changes (`provider.budget_changed`), as it does the other settings. */
export class AuditBudgets1764000011000 implements MigrationInterface {
  name = 'AuditBudgets1764000011000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(replaceFunction(PROVIDER_FIELDS, PROVIDER_EVENT));
    await watch(queryRunner, [...WATCHED.provider_configs, ...BUDGET_COLUMNS]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await watch(queryRunner, WATCHED.provider_configs);
    await queryRunner.query(replaceFunction(FIELDS.provider_configs, EVENTS.provider_configs));
  }
}
