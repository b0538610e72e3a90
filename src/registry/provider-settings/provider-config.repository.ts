import type { CatalogSyncWrites, ExistingProviderRow } from './provider-config.types';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { hydrate, prefixed, prefixedColumns, rowsOf } from '../../common/raw-rows';
import { setAuditContext, withActor } from '../../common/with-actor';
import type { ProviderCapabilities } from '../catalog/provider-capabilities';
import { AICredential, BudgetWindow, ProviderConfig, UiPreferences } from '../entities/provider-config.entity';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';
import type { RegistryWrite } from '../snapshot/registry-write';
import { snapshotConfigJsonOf, snapshotCredentialJson, snapshotRowFromJson } from '../snapshot/snapshot-row.sql';

/** The operator-owned columns, the only ones the API/CLI edges write. */
export interface OperatorColumns {
  enabled?: boolean;
  displayNameOverride?: string | null;
  priorityOverride?: number | null;
  capabilitiesOverride?: ProviderCapabilities | null;
  uiPreferences?: UiPreferences;
  /** USD as a decimal string (numeric(14,4)); null for no budget. */
  budgetUsd?: string | null;
  budgetWindow?: BudgetWindow;
  budgetWarnRatio?: number;
}

const OPERATOR_COLUMNS: Record<keyof OperatorColumns, { column: string; cast: string; json: boolean }> = {
  enabled: { column: 'enabled', cast: 'boolean', json: false },
  displayNameOverride: { column: 'display_name_override', cast: 'varchar', json: false },
  priorityOverride: { column: 'priority_override', cast: 'integer', json: false },
  capabilitiesOverride: { column: 'capabilities_override', cast: 'jsonb', json: true },
  uiPreferences: { column: 'ui_preferences', cast: 'jsonb', json: true },
  budgetUsd: { column: 'budget_usd', cast: 'numeric', json: false },
  budgetWindow: { column: 'budget_window', cast: 'varchar', json: false },
  budgetWarnRatio: { column: 'budget_warn_ratio', cast: 'real', json: false },
};

/**
 * A provider's version for optimistic concurrency: updated_at to the microsecond, which only the
 * operator's writes and the catalog sync move (usage and health leave it alone).
 */
const VERSION_SQL = `(extract(epoch FROM p.updated_at) * 1000000)::bigint::text`;

export interface CatalogRow {
  provider: string;
  displayName: string;
  priority: number;
  capabilities: ProviderCapabilities;
}

/**
 * All SQL of `provider_configs` except the columns other writers own (usage: UsageRepository,
 * health: HealthRepository). Every write is a targeted UPDATE of its own columns; the budget status
 * columns are written by BudgetService through this repository, decided from the spend.
 */
@Injectable()
export class ProviderConfigRepository {
  private readonly repo: Repository<ProviderConfig>;

  /** ai_credentials' columns as the list's join reads them (`c_` + column). */
  private readonly credentialColumns: string;

  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(ProviderConfig);
    this.credentialColumns = prefixedColumns(dataSource, AICredential, 'c', 'c_');
  }

  /** Providers with their credentials (by type), by provider; `enabledOnly` is the enabled scope. */
  findAllWithCredentials(options: { enabledOnly?: boolean } = {}): Promise<ProviderConfig[]> {
    return this.withCredentials(options.enabledOnly ? 'WHERE p.enabled' : '', []);
  }

  async findBySlugWithCredentials(provider: string): Promise<ProviderConfig | null> {
    return (await this.withCredentials('WHERE p.provider = $1', [provider]))[0] ?? null;
  }

  /**
   * The providers `where` picks, each with its credentials (by type), by provider. Hand-written
   * rather than a relation `find`: this is every provider list's read, and TypeORM built the
   * statement and mapped the join anew each time (more CPU than the rest of the read).
   */
  private async withCredentials(where: string, params: unknown[]): Promise<ProviderConfig[]> {
    const raw = await rowsOf(
      this.dataSource,
      `SELECT p.*, ${this.credentialColumns}
       FROM provider_configs p
       LEFT JOIN ai_credentials c ON c.provider_config_id = p.id
       ${where}
       ORDER BY p.provider, c.credential_type`,
      params,
    );
    const configs: ProviderConfig[] = [];
    for (const row of raw) {
      let config = configs.at(-1);
      if (config?.id !== String(row.id))
        configs.push((config = Object.assign(hydrate(this.dataSource, ProviderConfig, row), { credentials: [] })));
      if (row.c_id !== null) config.credentials!.push(hydrate(this.dataSource, AICredential, prefixed(row, 'c_')));
    }
    return configs;
  }

  /**
   * Updates the given operator columns in one statement; null when there is no such provider or,
   * with `expectedVersion`, when its operator columns changed since that version (optimistic concurrency).
   */
  async updateOperatorColumns(
    provider: string,
    values: OperatorColumns,
    expectedVersion?: string,
  ): Promise<(RegistryWrite & { version: string }) | null> {
    const keys = (Object.keys(values) as (keyof OperatorColumns)[]).filter((key) => values[key] !== undefined);
    const assignments = keys.map((key, i) => `${OPERATOR_COLUMNS[key].column} = $${i + 3}::${OPERATOR_COLUMNS[key].cast}`);
    const params = keys.map((key) => {
      const value = values[key];
      return OPERATOR_COLUMNS[key].json && value !== null ? JSON.stringify(value) : value;
    });
    const [row] = await withActor(this.dataSource, (runner) =>
      rowsOf<{
        xid: string;
        version: string;
        config: Record<string, unknown>;
        credential: Record<string, unknown> | null;
      }>(
        runner,
        `UPDATE provider_configs p SET ${[...assignments, 'updated_at = now()'].join(', ')}
       WHERE p.provider = $1 AND ($2::text IS NULL OR ${VERSION_SQL} = $2)
       RETURNING pg_current_xact_id()::text AS xid, ${VERSION_SQL} AS version,
         ${snapshotConfigJsonOf('p')} AS config,
         ${snapshotCredentialJson('p.provider')} AS credential`,
        [provider, expectedVersion ?? null, ...params],
      ),
    );
    if (!row) return null;
    const state = snapshotRowFromJson(this.dataSource, row.config, row.credential);
    return { xids: [row.xid], rows: state ? [state] : [], version: row.version };
  }

  /** The version of the provider's operator-owned columns (its ETag); null when there is no such provider. */
  async findVersion(provider: string): Promise<string | null> {
    const [row] = await rowsOf<{ version: string }>(
      this.dataSource,
      `SELECT ${VERSION_SQL} AS version FROM provider_configs p WHERE p.provider = $1`,
      [provider],
    );
    return row?.version ?? null;
  }

  /** Creates the provider's row from its catalog entry when missing (a credential stored before any sync). */
  async insertIfMissing(row: CatalogRow): Promise<string | null> {
    const [inserted] = await withActor(this.dataSource, (runner) =>
      rowsOf<{ xid: string }>(
        runner,
        `INSERT INTO provider_configs (provider, display_name, priority, capabilities) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (provider) DO NOTHING RETURNING pg_current_xact_id()::text AS xid`,
        [row.provider, row.displayName, row.priority, JSON.stringify(row.capabilities)],
      ),
    );
    return inserted?.xid ?? null;
  }

  /** How many of these providers have a row with capabilities (the first-start sync check). */
  async countWithCapabilities(providers: readonly string[]): Promise<number> {
    return this.repo
      .createQueryBuilder('p')
      .where('p.provider = ANY(:providers)', { providers })
      .andWhere(`p.capabilities <> '{}'::jsonb`)
      .getCount();
  }

  /**
   * A catalog sync in one transaction: locks every row, lets `plan` decide from what is there, and
   * (unless dryRun) writes the catalog-owned columns set-based. Never enabled, overrides, usage or health,
   * except that pruning disables providers that left the catalog.
   */
  syncCatalog<P extends CatalogSyncWrites>(dryRun: boolean, plan: (existing: ExistingProviderRow[]) => P): Promise<P> {
    return this.dataSource.transaction(async (manager) => {
      await setAuditContext(manager);
      const existing = await manager
        .getRepository(ProviderConfig)
        .createQueryBuilder('p')
        .select([
          'p.id',
          'p.provider',
          'p.displayName',
          'p.displayNameOverride',
          'p.priority',
          'p.priorityOverride',
          'p.capabilities',
          'p.capabilitiesOverride',
          'p.enabled',
        ])
        .orderBy('p.provider')
        .setLock('pessimistic_write')
        .getMany();
      const decided = plan(existing);
      if (!dryRun) await this.applySyncPlan(manager, decided);
      return decided;
    });
  }

  private async applySyncPlan(manager: EntityManager, plan: CatalogSyncWrites): Promise<void> {
    const columns = (rows: CatalogRow[]) => [
      rows.map((r) => r.provider),
      rows.map((r) => r.displayName),
      rows.map((r) => r.priority),
      rows.map((r) => JSON.stringify(r.capabilities)),
    ];
    if (plan.inserts.length > 0) {
      await manager.query(
        `INSERT INTO provider_configs (provider, display_name, priority, capabilities)
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::jsonb[])
         ON CONFLICT (provider) DO NOTHING`,
        columns(plan.inserts),
      );
    }
    if (plan.updates.length > 0) {
      await manager.query(
        `UPDATE provider_configs p
         SET display_name = d.display_name, priority = d.priority, capabilities = d.capabilities, updated_at = now()
         FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::jsonb[]) AS d(provider, display_name, priority, capabilities)
         WHERE p.provider = d.provider`,
        columns(plan.updates),
      );
    }
    if (plan.result.pruned.length > 0) {
      await manager.query(`UPDATE provider_configs SET enabled = false, updated_at = now() WHERE provider = ANY($1)`, [plan.result.pruned]);
    }
  }
}
