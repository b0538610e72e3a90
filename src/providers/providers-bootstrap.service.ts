import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CatalogSyncService } from './catalog/catalog-sync.service';
import { HealthScheduler } from './health/health-scheduler.service';
import { RegistryStateService } from './selection/registry-state.service';

/**
 * Start-up in the order it must happen (after the migrations ran in onModuleInit): a first start
 * syncs the catalog, the snapshot loads, then the health schedule begins.
 */
@Injectable()
export class ProvidersBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProvidersBootstrap.name);

  constructor(
    private readonly catalogSync: CatalogSyncService,
    private readonly state: RegistryStateService,
    private readonly healthScheduler: HealthScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const synced = await this.catalogSync.syncIfFirstStart();
    if (synced) this.logger.log(`First start: catalog synced (${synced.created.length} provider(s) created)`);
    await this.state.start();
    this.healthScheduler.start();
  }
}
