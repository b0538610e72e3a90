import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { CatalogSyncService } from './catalog/catalog-sync.service';
import { CATALOG } from './catalog/catalog.token';
import { loadCatalog } from './catalog/load-catalog';
import { CredentialsService } from './credentials/credentials.service';
import { keyRingProvider } from './credentials/key-ring.provider';
import { HealthScheduler } from './health/health-scheduler.service';
import { HealthService } from './health/health.service';
import { ProviderConfigService } from './provider-configs/provider-config.service';
import { ProvidersBootstrap } from './providers-bootstrap.service';
import { AvailabilityService } from './selection/availability.service';
import { ModelSelectionService } from './selection/model-selection.service';
import { RegistryStateService } from './selection/registry-state.service';
import { UsageService } from './usage/usage.service';

/** What the edges (REST, CLI) and a host app call. */
const SERVICES = [
  ProviderConfigService,
  CredentialsService,
  CatalogSyncService,
  AvailabilityService,
  ModelSelectionService,
  UsageService,
  HealthService,
  HealthScheduler,
];

/**
 * The one place that knows which providers exist, which are enabled, whose credentials are valid,
 * which are healthy, how much each is used, and which provider/model a request should use.
 * Needs from its host: AppConfig, a TypeORM DataSource and COORDINATION (DatabaseModule).
 */
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [
    { provide: CATALOG, inject: [AppConfig], useFactory: (config: AppConfig) => loadCatalog(config.CATALOG_PATH) },
    keyRingProvider,
    RegistryStateService,
    ...SERVICES,
    ProvidersBootstrap,
  ],
  exports: [CATALOG, ...SERVICES],
})
export class ProvidersModule {}
