import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Coordination } from '../kernel/coordination';
import { REGISTRY_COORDINATION } from '../kernel/registry-tokens';
import { ProviderConfigRepository } from '../provider-settings/provider-config.repository';
import { RegistryStateService } from '../snapshot/registry-state.service';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import type { SyncOptions, SyncResult } from './catalog-sync.types';
import { planSync } from './plan-sync';

/** Writes the catalog file into provider_configs; the plan itself is the pure planSync(). */
@Injectable()
export class CatalogSyncService {
  private readonly logger = new Logger(CatalogSyncService.name);

  constructor(
    private readonly configs: ProviderConfigRepository,
    @Inject(CATALOG) private readonly catalog: Catalog,
    @Inject(REGISTRY_COORDINATION) private readonly coordination: Coordination,
    private readonly state: RegistryStateService,
  ) {}

  async sync(options: SyncOptions = {}): Promise<SyncResult> {
    const dryRun = options.dryRun ?? false;
    // One sync at a time across instances, so two first starts do not both plan the same inserts.
    const plan = await this.coordination.withLock('ai-registry:catalog-sync', () =>
      this.configs.syncCatalog(dryRun, (existing) => planSync(this.catalog, existing, options.prune ?? false)),
    );
    const result: SyncResult = { dryRun, ...plan.result };
    const touched = [...result.created, ...result.updated.map((u) => u.provider), ...result.pruned];
    if (!dryRun && touched.length > 0) await this.state.reload(touched);
    this.logger.log(
      `Catalog sync${dryRun ? ' (dry run)' : ''} from ${this.catalog.source}: ${result.created.length} created, ` +
        `${result.updated.length} updated, ${result.unchanged.length} unchanged, ${result.pruned.length} pruned` +
        (result.overridden.length > 0 ? `, ${result.overridden.length} operator override(s) kept` : ''),
    );
    return result;
  }

  /**
   * A new install lists the catalog's providers, and an upgraded one gets the providers the backfill
   * migration could not know (and capabilities for the ones it created): sync when a catalog provider
   * is missing or has no capabilities yet. Otherwise syncing stays the operator's call.
   */
  async syncIfIncomplete(): Promise<SyncResult | null> {
    const slugs = [...this.catalog.providers.keys()];
    const complete = await this.configs.countWithCapabilities(slugs);
    return complete < slugs.length ? this.sync() : null;
  }
}
