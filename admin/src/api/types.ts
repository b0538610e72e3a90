import type { SpendReport } from '../../../src/registry/usage/spend-report';
/** The REST API's answers, as documented in its OpenAPI document (/api/docs-json). */

export type HealthStatus = 'unknown' | 'healthy' | 'degraded' | 'unhealthy';
export type Role = 'admin' | 'viewer';
export type ModelType = 'text' | 'embedding';

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export interface Envelope<T> {
  data: T | null;
  meta: Record<string, unknown>;
  status: 'success' | 'error';
  message: string;
  errors?: FieldError[];
}

export interface Principal {
  name: string;
  role: Role;
}

export type Availability = { available: true } | { available: false; reason: string; detail: string };

export interface CredentialSummary {
  id: string;
  credentialType: string;
  masked: string;
  status: string;
  expiresAt: string | null;
  baseUrl: string | null;
  lastUsedAt: string | null;
}

export interface Capabilities {
  probe?: string;
  baseUrl?: string;
  requiresApiKey?: boolean;
  requiredConfig?: string[];
  textModels?: Array<{ id: string; name: string; contextLength?: number }>;
  embeddingModels?: Array<{ id: string; name: string; dimensions?: number }>;
}

export interface Provider {
  provider: string;
  displayName: string;
  displayNameOverride: string | null;
  enabled: boolean;
  inCatalog: boolean;
  health: {
    status: HealthStatus;
    lastCheck: string | null;
    latencyMs: number | null;
    lastError: string | null;
    consecutiveFailures?: number;
  };
  /** Passive health: an open circuit (real calls failed) keeps the provider out of selection until `until`. */
  circuit: ProviderCircuit;
  budget: Budget | null;
  availability: Availability;
  priority: number;
  catalogPriority: number;
  priorityOverride: number | null;
  capabilities: Capabilities;
  uiPreferences: Record<string, unknown>;
  usage: { usageCount: number; lastUsedAt: string | null };
  credentials: CredentialSummary[];
}

export type BudgetWindow = 'day' | 'month';

export interface ProviderCircuit {
  state: 'closed' | 'open';
  until: string | null;
  trips: number;
  reason: string | null;
}

export interface Budget {
  /** USD as a decimal string. */
  usd: string;
  window: BudgetWindow;
  warnAt: number;
  exhaustedUntil: string | null;
}

export interface Credential extends CredentialSummary {
  provider: string;
  isActive: boolean;
  uiMetadata: Record<string, unknown> | null;
}

export interface HealthCheckRecord {
  status: HealthStatus;
  latencyMs: number | null;
  reason: string | null;
  checkedAt: string;
  /** What decided it: a probe, or real traffic (the circuit tripping or closing). */
  source?: 'probe' | 'traffic';
}

export interface HealthBucket {
  start: string;
  checks: number;
  failures: number;
  uptimePercent: number | null;
  p50LatencyMs: number | null;
  maxLatencyMs: number | null;
}

export type HealthWindow = '24h' | '7d';

export type CircuitPhase = 'closed' | 'open' | 'half_open';

export interface ProviderHealth {
  provider: string;
  status: HealthStatus;
  reason: string | null;
  /** Which source decided `status`: active probes, or the outcomes of real calls. */
  decidedBy: 'probe' | 'traffic';
  circuit: { phase: CircuitPhase; until: string | null; trips: number; reason: string | null };
  lastCheck: string | null;
  uptimePercent24h: number | null;
  p50LatencyMs24h: number | null;
  p95LatencyMs24h: number | null;
  checks24h: number;
  drift: string[];
  history: HealthCheckRecord[];
  window?: { window: HealthWindow; since: string; bucketSeconds: number; buckets: HealthBucket[]; problems: HealthCheckRecord[] };
}

export interface HealthCheckResult {
  provider: string;
  status: HealthStatus;
  reason: string | null;
  latencyMs: number | null;
  /** Failed checks in a row, this one included: a first transient failure is only `degraded`. */
  consecutiveFailures: number;
  probed: boolean;
  checkedAt: string;
}

export interface SweepResult {
  startedAt: string;
  durationMs: number;
  results: HealthCheckResult[];
  errors: Array<{ provider: string; error: string }>;
}

export interface SkippedCandidate {
  candidate: { provider: string; model: string | null; source: string };
  reason: string;
  detail: string;
}

export interface Selection {
  provider: string;
  model: string;
  source: string;
  skipped: SkippedCandidate[];
}

export interface SyncResult {
  dryRun: boolean;
  created: string[];
  updated: Array<{ provider: string; changes: Array<{ field: string; from: unknown; to: unknown }> }>;
  unchanged: string[];
  pruned: string[];
  notInCatalog: string[];
  overridden: Array<{ provider: string; field: string; catalog: unknown; operator: unknown }>;
}

export interface ProviderUsage {
  provider: string;
  usageCount: string;
  lastUsedAt: string | null;
  pending: string;
}

export interface CredentialUsage {
  id: string;
  provider: string;
  credentialType: string;
  usageCount: string;
  inputTokens: string;
  outputTokens: string;
  lastUsedAt: string | null;
  pending: { requests: string; inputTokens: string; outputTokens: string };
}

// The server's own shape of a spend report (all strings: as JSON carries it).
export type { SpendGroup, SpendReport, SpendReportRow as SpendRow } from '../../../src/registry/usage/spend-report';

export interface UsageView {
  providers: ProviderUsage[];
  credentials: CredentialUsage[];
  spend: SpendReport;
}

// The server's own list (the OpenAPI enum of GET /api/audit's `action`), bundled in, so the filter never lags behind it.
export { AUDIT_ACTIONS } from '../../../src/server/audit/audit-actions';

export interface AuditEvent {
  id: string;
  occurredAt: string;
  actor: string;
  action: string;
  provider: string | null;
  target: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export type ConsumerKeyStatus = 'active' | 'expired' | 'revoked';

/** A consumer key of the gateway (/v1) as GET /api/keys lists it: never the key, never its hash. */
export interface ConsumerKey {
  id: string;
  name: string;
  /** The key's first 12 characters (`sk-reg-AbCdE`), to tell keys apart. */
  prefix: string;
  /** `provider/model` entries it may call; null: every model. */
  models: string[] | null;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  updatedAt: string;
  status: ConsumerKeyStatus;
  /** Limits, each null for none: requests and tokens per UTC minute, calls in flight. */
  rpm: number | null;
  tpm: number | null;
  maxParallel: number | null;
  /** USD per budgetWindow as a decimal string ("50.0000"); window and warning share are set exactly when it is. */
  budgetUsd: string | null;
  budgetWindow: BudgetWindow | null;
  budgetWarnRatio: number | null;
}

/** POST /api/keys answers the key itself in `key`: the only time it is ever shown. */
export interface CreatedConsumerKey extends ConsumerKey {
  key: string;
}

/** One candidate that failed before the one that answered (every attempt, when none did). */
export interface FailedAttempt {
  provider: string;
  model: string;
  /** What usage recorded for it; null when nothing was sent or the request was at fault. */
  outcome: string | null;
  /** The provider's HTTP status, when it answered. */
  status: number | null;
  /** Why it failed, in a line. */
  reason: string;
  latencyMs: number;
}

/** One gateway call as GET /api/requests lists it: never a prompt, an answer or a key. */
export interface RequestLogEntry {
  id: string;
  startedAt: string;
  kind: string;
  keyId: string | null;
  keyName: string | null;
  modelAsked: string | null;
  stream: boolean;
  provider: string | null;
  model: string | null;
  /** How the call ended (REQUEST_RESULTS on the server). */
  result: string;
  /** The upstream's HTTP status. */
  status: number | null;
  errorCode: string | null;
  attempts: FailedAttempt[];
  inputTokens: number | null;
  outputTokens: number | null;
  /** USD, 6 decimals. */
  costUsd: string;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
}
