import type { ProviderCapabilities } from '../catalog/provider-capabilities';
import type { UiPreferences } from '../entities/provider-config.entity';
import type { HealthStatus } from '../selection/registry-snapshot';

export interface ProviderConfigView {
  id: string;
  provider: string;
  displayName: string;
  enabled: boolean;
  priority: number;
  inCatalog: boolean;
  capabilities: ProviderCapabilities | Record<string, never>;
  uiPreferences: UiPreferences;
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
