import type { ProviderCapabilities } from '../catalog/provider-capabilities';
import type { UiPreferences } from '../entities/provider-config.entity';
import type { HealthStatus } from '../selection/registry-snapshot';

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
  createdAt: Date;
  updatedAt: Date;
}
