/**
 * What a host NestJS app imports: the module, its options, the entities and migrations to run with
 * its own, the services it calls and the errors they throw.
 */
export { ProvidersModule } from './registry/providers.module';
export type { ProvidersModuleOptions, ProvidersModuleAsyncOptions } from './registry/providers.options';
export type { RegistrySettings } from './registry/kernel/registry-settings';
export { PROVIDER_ENTITIES, AICredential, ProviderConfig, ProviderHealthCheck, SchedulerRun } from './registry/entities';
export { PROVIDER_MIGRATIONS } from './database/migrations';
export { loadCatalog, parseCatalog } from './registry/catalog/load-catalog';
export { KeyRing, generateKey, parseKeyRing } from './registry/key-ring/key-ring';
export { CatalogSyncService } from './registry/catalog-sync/catalog-sync.service';
export { CredentialsService } from './registry/credentials/credentials.service';
export { KeyRotationService } from './registry/credentials/key-rotation.service';
export { CredentialViewMapper } from './registry/credentials/credential-view.mapper';
export { ProviderConfigService } from './registry/provider-settings/provider-config.service';
export { AvailabilityService } from './registry/selection/availability.service';
export { ModelSelectionService } from './registry/selection/model-selection.service';
export { UsageService } from './registry/usage/usage.service';
export { UsageFlusher } from './registry/usage/usage-flusher.service';
export { SpendService } from './registry/spend/spend.service';
export { HealthService } from './registry/health/active/health.service';
export { RegistryModels } from './registry/ai-sdk/registry-models';
export type { ModelRequest } from './registry/ai-sdk/plan-walker';
export type { CallReport, FailedAttempt } from './registry/ai-sdk/call-report';
export { ProviderCallError } from './registry/ai-sdk/provider-call.errors';
export { DomainError } from './common/domain-error';
export { InvalidInputError, UnknownProviderError, CredentialNotFoundError } from './registry/kernel/registry.errors';
export { NoAvailableProviderError, UnknownOperationError } from './registry/selection/selection.errors';
export type { Selection, SelectionRequest } from './registry/selection/select-model';
