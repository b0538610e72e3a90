import type { Catalog } from '../catalog/catalog.types';
import { ProviderCapabilities, modelsFromCapabilities } from '../catalog/provider-capabilities';
import type { CredentialState, HealthStatus, ProviderState, RegistrySnapshot } from './registry-snapshot';

/** One provider_configs row joined with its api_key credential, as the state query returns it. */
export interface ProviderStateRow {
  provider: string;
  display_name: string;
  enabled: boolean;
  health_status: HealthStatus;
  priority: number;
  capabilities: Partial<ProviderCapabilities>;
  credential_id: string | null;
  credential_active: boolean | null;
  credential_expires_at: Date | null;
}

function credentialState(row: ProviderStateRow, requiresApiKey: boolean, now: number): CredentialState {
  if (row.credential_id === null) return requiresApiKey ? 'missing' : 'not_required';
  if (!row.credential_active) return 'inactive';
  if (row.credential_expires_at && row.credential_expires_at.getTime() <= now) return 'expired';
  return 'active';
}

/**
 * The snapshot selection answers from. Capabilities come from the row (what sync wrote, or an
 * operator's update), falling back to the catalog entry for rows synced before capabilities existed.
 */
export function buildSnapshot(rows: ProviderStateRow[], catalog: Catalog, now: number): RegistrySnapshot {
  const providers = new Map<string, ProviderState>();
  for (const row of rows) {
    const entry = catalog.providers.get(row.provider);
    const capabilities = row.capabilities as ProviderCapabilities;
    const hasModels = Array.isArray(capabilities.textModels) && Array.isArray(capabilities.embeddingModels);
    const requiresApiKey = capabilities.requiresApiKey ?? entry?.requiresApiKey ?? true;
    providers.set(row.provider, {
      provider: row.provider,
      displayName: row.display_name,
      enabled: row.enabled,
      health: row.health_status,
      credential: credentialState(row, requiresApiKey, now),
      credentialExpiresAt: row.credential_expires_at,
      priority: row.priority,
      models: hasModels
        ? modelsFromCapabilities(capabilities)
        : {
            text: entry?.textModels.map((m) => m.id) ?? [],
            embedding: entry?.embeddingModels.map((m) => m.id) ?? [],
          },
    });
  }
  return { providers, catalog };
}
