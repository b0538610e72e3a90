import { Inject, Injectable, Logger } from '@nestjs/common';
import { REGISTRY_COORDINATION, REGISTRY_DATA_SOURCE } from '../providers.options';
import { DataSource } from 'typeorm';
import { Coordination } from '../../database/coordination/coordination';
import { RegistryStateService } from '../selection/registry-state.service';
import { CATALOG } from './catalog.token';
import type { Catalog } from './catalog.types';
import type { SyncOptions, SyncResult } from './catalog-sync.types';
import { ExistingProviderRow, planSync } from './plan-sync';

/** Writes the catalog file into provider_configs; the plan itself is the pure planSync(). */
@Injectable()
export class CatalogSyncService {
  private readonly logger = new Logger(CatalogSyncService.name);

  constructor(
    @Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CATALOG) private readonly catalog: Catalog,
    @Inject(REGISTRY_COORDINATION) private readonly coordination: Coordination,
    private readonly state: RegistryStateService,
  ) {}

  async sync(options: SyncOptions = {}): Promise<SyncResult> {
    const dryRun = options.dryRun ?? false;
    // One sync at a time across instances, so two first starts do not both plan the same inserts.
    const result = await this.coordination.withLock('ai-registry:catalog-sync', () =>
      this.dataSource.transaction(async (manager) => {
        const existing: ExistingProviderRow[] = await manager.query(
          `SELECT provider, display_name, priority, capabilities, enabled FROM provider_configs ORDER BY provider FOR UPDATE`,
        );
        const plan = planSync(this.catalog, existing, options.prune ?? false);
        if (!dryRun) {
          if (plan.inserts.length > 0) {
            await manager.query(
              `INSERT INTO provider_configs (provider, display_name, priority, capabilities)
               SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::jsonb[])
               ON CONFLICT (provider) DO NOTHING`,
              [
                plan.inserts.map((p) => p.provider),
                plan.inserts.map((p) => p.displayName),
                plan.inserts.map((p) => p.priority),
                plan.inserts.map((p) => JSON.stringify(p.capabilities)),
              ],
            );
          }
          if (plan.updates.length > 0) {
            await manager.query(
              `UPDATE provider_configs p
               SET display_name = d.display_name, priority = d.priority, capabilities = d.capabilities, updated_at = now()
               FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::jsonb[]) AS d(provider, display_name, priority, capabilities)
               WHERE p.provider = d.provider`,
              [
                plan.updates.map((p) => p.provider),
                plan.updates.map((p) => p.displayName),
                plan.updates.map((p) => p.priority),
                plan.updates.map((p) => JSON.stringify(p.capabilities)),
              ],
            );
          }
          if (plan.result.pruned.length > 0) {
            await manager.query(`UPDATE provider_configs SET enabled = false, updated_at = now() WHERE provider = ANY($1)`, [
              plan.result.pruned,
            ]);
          }
        }
        return { dryRun, ...plan.result };
      }),
    );
    const wrote = !dryRun && result.created.length + result.updated.length + result.pruned.length > 0;
    if (wrote) await this.state.changed('catalog_sync');
    this.logger.log(
      `Catalog sync${dryRun ? ' (dry run)' : ''} from ${this.catalog.source}: ${result.created.length} created, ` +
        `${result.updated.length} updated, ${result.unchanged.length} unchanged, ${result.pruned.length} pruned`,
    );
    return result;
  }

  /**
   * A new install lists the catalog's providers, and an upgraded one gets the providers the backfill
   * migration could not know (and capabilities for the ones it created): sync when a catalog provider
   * is missing or has no capabilities yet. Otherwise syncing stays the operator's call.
   */
  async syncIfIncomplete(): Promise<SyncResult | null> {
    const [{ n }] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM provider_configs WHERE provider = ANY($1) AND capabilities <> '{}'::jsonb`,
      [[...this.catalog.providers.keys()]],
    );
    return n < this.catalog.providers.size ? this.sync() : null;
  }
}
