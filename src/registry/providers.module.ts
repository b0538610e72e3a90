import { DynamicModule, Module, Provider } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { register } from 'prom-client';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { KeyLimitMetrics } from './key-limits/key-limit-metrics';
import { KeyLimitsService } from './key-limits/key-limits.service';
import { RegistryMetrics } from './metrics/registry-metrics';
import { CallConnections } from './calls/call-connections';
import { PlanWalker } from './calls/plan-walker';
import { RegistryModels } from './ai-sdk/registry-models';
import { CatalogSyncService } from './catalog-sync/catalog-sync.service';
import { GatewayObservers } from './gateway/gateway-observers';
import { GatewayTracing } from './gateway/gateway-tracing';
import { GatewayService } from './gateway/gateway.service';
import { ConsumerKeyCache } from './consumer-keys/consumer-key-cache';
import { ConsumerKeysService } from './consumer-keys/consumer-keys.service';
import { CATALOG } from './catalog/catalog.token';
import type { Catalog } from './catalog/catalog.types';
import { loadCatalog } from './catalog/load-catalog';
import { CredentialsService } from './credentials/credentials.service';
import { CredentialCipher } from './key-ring/credential-cipher';
import { CredentialViewMapper } from './credentials/credential-view.mapper';
import { KeyRotationService } from './credentials/key-rotation.service';
import { KeyRing, parseKeyRing } from './key-ring/key-ring';
import { KEY_RING } from './key-ring/key-ring.provider';
import { PROVIDER_ENTITIES } from './entities';
import { RegistryJobs } from './jobs/registry-jobs';
import { FreshCredentialProbes } from './health/active/fresh-credential-probes';
import { HealthScheduler } from './health/active/health-scheduler.service';
import { HealthService } from './health/active/health.service';
import { PassiveHealthService } from './health/passive/passive-health.service';
import { EgressPolicy } from './egress/egress-policy';
import { PROBE_EGRESS, ProbeEgress } from './egress/probe-egress';
import { ProviderConfigService } from './provider-settings/provider-config.service';
import { ProvidersBootstrap } from './providers-bootstrap.service';
import { PROVIDERS_OPTIONS, ProvidersModuleAsyncOptions, ProvidersModuleOptions, ProvidersModuleSyncOptions } from './providers.options';
import { resolveRegistrySettings } from './kernel/registry-settings';
import { REGISTRY_COORDINATION, REGISTRY_DATA_SOURCE, REGISTRY_SETTINGS } from './kernel/registry-tokens';
import { REPOSITORIES } from './repositories';
import { AvailabilityService } from './selection/availability.service';
import { ModelSelectionService } from './selection/model-selection.service';
import { RegistryStateService } from './snapshot/registry-state.service';
import { BudgetService } from './spend/budget.service';
import { SpendService } from './usage/spend.service';
import { UsageBuffer } from './usage/usage-buffer';
import { UsageFanOut } from './usage-fan-out';
import { UsageWriteListener } from './usage/usage-write-listener';
import { UsageFlusher } from './usage/usage-flusher.service';
import { UsagePruner } from './usage/usage-pruner';
import { UsageService } from './usage/usage.service';
import { RegistryCoordination } from './registry-coordination';
import { RequestLogService } from './request-log/request-log.service';
import { RequestLogWriter } from './request-log/request-log-writer.service';
import { GatewayTracerService } from './tracing/gateway-tracer.service';

/** What the edges (REST, CLI) and a host app call. */
const SERVICES = [
  ProviderConfigService,
  CredentialsService,
  KeyRotationService,
  CatalogSyncService,
  AvailabilityService,
  ModelSelectionService,
  UsageService,
  UsageFlusher,
  SpendService,
  HealthService,
  PassiveHealthService,
  BudgetService,
  HealthScheduler,
  RegistryModels,
  GatewayService,
  GatewayObservers,
  ConsumerKeysService,
  ConsumerKeyCache,
  RequestLogService,
];

/**
 * The one place that knows which providers exist, which are enabled, whose credentials are valid,
 * which are healthy, how much each is used, and which provider/model a request should use.
 *
 * A host app imports it with its own configuration and TypeORM data source:
 * `ProvidersModule.forRoot({ catalog, keyRing })` or `forRootAsync({ inject, useFactory })`, and runs
 * PROVIDER_MIGRATIONS (exported with PROVIDER_ENTITIES from the package's index) with its own.
 */
@Module({})
export class ProvidersModule {
  static forRoot(options: ProvidersModuleSyncOptions): DynamicModule {
    const { dataSource, ...rest } = options;
    return ProvidersModule.forRootAsync({ dataSource, useFactory: () => rest });
  }

  static forRootAsync(options: ProvidersModuleAsyncOptions): DynamicModule {
    const dataSourceToken = getDataSourceToken(options.dataSource);
    const providers: Provider[] = [
      { provide: PROVIDERS_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
      { provide: REGISTRY_DATA_SOURCE, useExisting: dataSourceToken },
      {
        provide: REGISTRY_SETTINGS,
        inject: [PROVIDERS_OPTIONS],
        useFactory: (resolved: ProvidersModuleOptions) => resolveRegistrySettings(resolved),
      },
      {
        provide: CATALOG,
        inject: [PROVIDERS_OPTIONS],
        useFactory: ({ catalog }: ProvidersModuleOptions) => (typeof catalog === 'string' ? loadCatalog(catalog) : catalog),
      },
      {
        provide: KEY_RING,
        inject: [PROVIDERS_OPTIONS],
        useFactory: ({ keyRing }: ProvidersModuleOptions) => (keyRing instanceof KeyRing ? keyRing : parseKeyRing(keyRing)),
      },
      {
        provide: PROBE_EGRESS,
        inject: [PROVIDERS_OPTIONS],
        useFactory: ({ egress }: ProvidersModuleOptions) => new ProbeEgress(EgressPolicy.from(egress)),
      },
      {
        provide: RegistryMetrics,
        inject: [PROVIDERS_OPTIONS, CATALOG],
        useFactory: ({ metricsRegistry }: ProvidersModuleOptions, catalog: Catalog) =>
          new RegistryMetrics(metricsRegistry ?? register, catalog),
      },
      { provide: GatewayMetrics, inject: [RegistryMetrics], useFactory: (metrics: RegistryMetrics) => new GatewayMetrics(metrics) },
      SchedulerRegistry,
      RegistryCoordination,
      { provide: REGISTRY_COORDINATION, inject: [RegistryCoordination], useFactory: (owned: RegistryCoordination) => owned.coordination },
      ...REPOSITORIES,
      CredentialCipher,
      CredentialViewMapper,
      RegistryStateService,
      ...SERVICES,
      UsageBuffer,
      UsageFanOut,
      { provide: UsageWriteListener, useExisting: UsageFanOut },
      UsagePruner,
      // Registers itself with CredentialsService as the module starts.
      FreshCredentialProbes,
      CallConnections,
      PlanWalker,
      KeyLimitMetrics,
      KeyLimitsService,
      // Registers itself with GatewayObservers as the module starts.
      RequestLogWriter,
      GatewayTracing,
      // Sets GatewayTracing's tracer as the module starts, when the `tracing` option asks for one.
      GatewayTracerService,
      RegistryJobs,
      ProvidersBootstrap,
    ];
    return {
      module: ProvidersModule,
      // Not ScheduleModule.forRoot(): a host that has its own would then get two explorers registering
      // its @Cron jobs twice. Our timers are our own (RegistryJobs); the registry only keeps track of them.
      imports: [TypeOrmModule.forFeature(PROVIDER_ENTITIES, options.dataSource), ...(options.imports ?? [])],
      providers,
      // RegistryStateService for readiness checks (is the snapshot loaded); hosts read through the services.
      // RegistryMetrics: the server's /metrics reads the same Registry; a host may record its own figures beside ours.
      exports: [CATALOG, RegistryStateService, RegistryMetrics, CredentialViewMapper, ...SERVICES],
    };
  }
}
