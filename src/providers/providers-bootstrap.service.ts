import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CatalogSyncService } from './catalog/catalog-sync.service';
import { HealthScheduler } from './health/health-scheduler.service';
import { RegistryStateService } from './selection/registry-state.service';

/**
 * Start-up in the order it must happen (after the migrations ran in onModuleInit): an install missing
 * catalog providers syncs the catalog, the snapshot loads, then the health schedule begins.
 */
@Injectable()
export class ProvidersBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly catalogSync: CatalogSyncService,
    private readonly state: RegistryStateService,
    private readonly healthScheduler: HealthScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.catalogSync.syncIfIncomplete(); // logs its own diff
    await this.state.start();
    this.healthScheduler.start();
  }
}
