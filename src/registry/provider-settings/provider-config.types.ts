import type { ProviderCapabilities } from '../catalog/provider-capabilities';
import type { BudgetWindow, ProviderConfig, UiPreferences } from '../entities/provider-config.entity';
import type { CircuitState } from '../kernel/circuit';
import type { HealthStatus } from '../kernel/health-status';

export interface ProviderConfigView {
  id: string;
  provider: string;
  /** The name in force: the operator's override when set, else the catalog's. */
  displayName: string;
  catalogDisplayName: string;
  displayNameOverride: string | null;
  enabled: boolean;
  /** The priority in force: the operator's override when set, else the catalog's. */
  priority: number;
  catalogPriority: number;
  priorityOverride: number | null;
  inCatalog: boolean;
  /** The capabilities in force: the operator's override when set, else what the catalog sync wrote. */
  capabilities: ProviderCapabilities | Record<string, never>;
  catalogCapabilities: ProviderCapabilities | Record<string, never>;
  capabilitiesOverride: ProviderCapabilities | null;
  uiPreferences: UiPreferences;
  /** Which credential types are stored for it (the credentials themselves are listed masked by CredentialsService). */
  credentialTypes: string[];
  usageCount: number;
  lastUsedAt: Date | null;
  health: {
    status: HealthStatus;
    lastCheck: Date | null;
    latencyMs: number | null;
    lastError: string | null;
    consecutiveFailures: number;
  };
  /** Passive health: `open` with `until` in the future takes the provider out of selection (reason `tripped`). */
  circuit: { state: CircuitState; until: Date | null; trips: number; reason: string | null };
  /** The operator's spend limit, and until when it is exhausted (set by the usage flush); null for none. */
  budget: { usd: string; window: BudgetWindow; warnAt: number; exhaustedUntil: Date | null } | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a catalog sync reads of each stored provider (catalog-sync/plan-sync.ts decides from it). */
export type ExistingProviderRow = Pick<
  ProviderConfig,
  'provider' | 'displayName' | 'displayNameOverride' | 'priority' | 'priorityOverride' | 'capabilities' | 'capabilitiesOverride' | 'enabled'
>;

/** The catalog's fields of one provider, as a sync writes them. */
export interface CatalogFields {
  provider: string;
  displayName: string;
  priority: number;
  capabilities: ProviderCapabilities;
}

/** The writes a catalog sync decided: rows to insert and update, providers to switch off (pruned). */
export interface CatalogSyncWrites {
  inserts: CatalogFields[];
  updates: CatalogFields[];
  result: { pruned: string[] };
}
