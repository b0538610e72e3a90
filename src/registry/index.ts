/**
 * The registry's only public face: what a host NestJS app imports (the module, its options, the
 * entities, the services it calls and the errors they throw), and what our own server and CLI use.
 * Everything else under src/registry is internal; lint refuses imports past this file from the edges.
 */
export { ProvidersModule } from './providers.module';
export type { ProvidersModuleOptions, ProvidersModuleAsyncOptions } from './providers.options';
export type { RegistrySettings } from './kernel/registry-settings';
export type { TracingOptions } from './tracing/tracing-options';
export { PROVIDER_ENTITIES, AICredential, ProviderConfig, ProviderHealthCheck, SchedulerRun } from './entities';
export { loadCatalog, parseCatalog } from './catalog/load-catalog';
export { KeyRing, generateKey, parseKeyRing } from './key-ring/key-ring';
export { CatalogSyncService } from './catalog-sync/catalog-sync.service';
export { CredentialsService } from './credentials/credentials.service';
export { KeyRotationService } from './credentials/key-rotation.service';
export { CredentialViewMapper } from './credentials/credential-view.mapper';
export { ProviderConfigService } from './provider-settings/provider-config.service';
export { AvailabilityService } from './selection/availability.service';
export { ModelSelectionService } from './selection/model-selection.service';
export { UsageService } from './usage/usage.service';
export { UsageFlusher } from './usage/usage-flusher.service';
export { SpendService } from './usage/spend.service';
export { HealthService } from './health/active/health.service';
export { RegistryModels } from './ai-sdk/registry-models';
export type { ModelRequest } from './calls/plan-walker';
export type { CallReport, FailedAttempt } from './calls/call-report';
export { ProviderCallError } from './calls/provider-call.errors';
export { AbortFlag } from './calls/abort-source';
export type { AbortSource } from './calls/abort-source';
export { GatewayService, AUTO_MODEL } from './gateway/gateway.service';
export { GatewayRequestError, ModelNotAllowedError } from './gateway/gateway.errors';
export type { AnswerOrigin, GatewayAnswer, GatewayCall, GatewayModel, JsonAnswer, StreamAnswer } from './gateway/gateway.types';
export { GatewayObservers } from './gateway/gateway-observers';
export type { GatewayCallRecord, GatewayObserver } from './gateway/gateway-observers';
export { UnknownModelError } from './selection/selection.errors';
export { InvalidInputError, UnknownProviderError, CredentialNotFoundError } from './kernel/registry.errors';
export { NoAvailableProviderError, UnknownOperationError } from './selection/selection.errors';
export type { Selection, SelectionRequest } from './selection/select-model';
export { ConsumerKey } from './entities/consumer-key.entity';
export { ConsumerKeysService } from './consumer-keys/consumer-keys.service';
export { ConsumerKeyCache } from './consumer-keys/consumer-key-cache';
export { RequestLogService } from './request-log/request-log.service';
export { REQUEST_RESULTS } from './request-log/request-log.types';
export type { RequestLogPage, RequestLogQuery, RequestLogView, RequestResult } from './request-log/request-log.types';
export { consumerMayUse, MAX_KEY_MODELS } from './consumer-keys/consumer-key.rules';
export { KeyLimitExceededError } from './key-limits/key-limits.errors';
export type { KeyLimitKind } from './key-limits/key-limits.errors';
export { ConsumerKeyNameTakenError, ConsumerKeyNotFoundError } from './consumer-keys/consumer-key.errors';
export type {
  AuthenticatedConsumer,
  ConsumerKeyStatus,
  ConsumerKeyLimits,
  ConsumerKeyLimitsInput,
  ConsumerKeyView,
  CreateConsumerKeyInput,
  CreatedConsumerKey,
} from './consumer-keys/consumer-key.types';

// What the runnable server and the CLI use besides a host app's surface.
export { combinedHealth } from './health/combined-health';
export { RegistryStateService } from './snapshot/registry-state.service';
export { DEFAULT_CREDENTIAL_TYPE } from './kernel/credential-type';
export { CATALOG } from './catalog/catalog.token';
export { MODEL_TYPES } from './catalog/catalog.types';
export type { Catalog, ModelType } from './catalog/catalog.types';
export type { ProviderWithCredentials } from './provider-settings/provider-config.service';
export type {
  HealthCheckRecord,
  HealthCheckResult,
  HealthWindowView,
  ProviderHealthSummary,
  SweepResult,
} from './health/active/health.types';
export { SPEND_GROUPS, SPEND_ROW_KEYS } from './usage/spend-report';
export type { SpendGroup, SpendReport } from './usage/spend-report';
export { HEALTH_STATUSES } from './kernel/health-status';
export type { HealthStatus } from './kernel/health-status';
export type { SyncResult } from './catalog-sync/catalog-sync.types';
export { assertProviderName } from './provider-settings/provider-input.rules';
export type { CredentialView } from './credentials/credential.types';
export { HEALTH_WINDOWS } from './health/active/health-window';
export type { HealthWindow } from './health/active/health-window';
export type { AvailableModel } from './snapshot/availability';
export type { Availability } from './snapshot/registry-snapshot';
export type { ProviderConfigView } from './provider-settings/provider-config.types';
export type { BudgetWindow } from './entities/provider-config.entity';
export { BUDGET_WINDOWS } from './provider-settings/budget-input.rules';
export { CALL_OUTCOMES } from './kernel/call-outcomes';
export type { CallOutcome } from './kernel/call-outcomes';
export { MAX_BATCH_RECORDS, MAX_RECORD_AMOUNT } from './usage/usage-input.rules';
export type { CredentialUsage, ProviderUsage, UsageBatchResult } from './usage/usage.types';
export { InvalidBaseUrlError } from './egress/base-url.policy';
export { COORDINATION } from './kernel/coordination';
export type { Coordination } from './kernel/coordination';
