/**
 * What a host NestJS app imports: the module, its options, the entities and migrations to run with
 * its own, the services it calls and the errors they throw.
 */
export { ProvidersModule } from './providers/providers.module';
export type { ProvidersModuleOptions, ProvidersModuleAsyncOptions, RegistrySettings } from './providers/providers.options';
export { PROVIDER_ENTITIES, AICredential, ProviderConfig, ProviderHealthCheck, SchedulerRun } from './providers/entities';
export { PROVIDER_MIGRATIONS } from './database/migrations';
export { loadCatalog, parseCatalog } from './providers/catalog/load-catalog';
export { KeyRing, generateKey, parseKeyRing } from './providers/credentials/key-ring';
export { CatalogSyncService } from './providers/catalog/catalog-sync.service';
export { CredentialsService } from './providers/credentials/credentials.service';
export { KeyRotationService } from './providers/credentials/key-rotation.service';
export { CredentialViewMapper } from './providers/credentials/credential-view.mapper';
export { ProviderConfigService } from './providers/provider-configs/provider-config.service';
export { AvailabilityService } from './providers/selection/availability.service';
export { ModelSelectionService } from './providers/selection/model-selection.service';
export { UsageService } from './providers/usage/usage.service';
export { UsageFlusher } from './providers/usage/usage-flusher.service';
export { SpendService } from './providers/usage/spend.service';
export { HealthService } from './providers/health/health.service';
export { RegistryModels } from './providers/calls/registry-models';
export type { ModelRequest } from './providers/calls/plan-walker';
export type { CallReport, FailedAttempt } from './providers/calls/call-report';
export { ProviderCallError } from './providers/calls/provider-call.errors';
export { DomainError } from './common/domain-error';
export { InvalidInputError, UnknownProviderError, CredentialNotFoundError } from './providers/providers.errors';
export { NoAvailableProviderError, UnknownOperationError } from './providers/selection/selection.errors';
export type { Selection, SelectionRequest } from './providers/selection/select-model';
