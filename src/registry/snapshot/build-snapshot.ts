import type { Catalog } from '../catalog/catalog.types';
import { ProviderCapabilities, modelsFromCapabilities } from '../catalog/provider-capabilities';
import type { AICredential } from '../entities/provider-config.entity';
import type { ProviderConfig } from '../entities/provider-config.entity';
import { usdToNanos } from '../catalog/prices';
import { CLOSED_CIRCUIT } from '../kernel/circuit';
import { standingOf } from './availability';
import type { CredentialState, ProviderState, RegistrySnapshot } from './registry-snapshot';

/** Whether the key ring can decrypt a stored credential (wrong key, unknown key id, or not our envelope). */
export type DecryptCheck = (credential: AICredential) => boolean;

/**
 * The capabilities in force: the operator's override when set, else what the catalog sync wrote.
 * Anything but an object (a `'null'::jsonb` written by hand) reads as none, so the catalog's apply.
 */
export function effectiveCapabilities(row: Pick<ProviderConfig, 'capabilities' | 'capabilitiesOverride'>): Partial<ProviderCapabilities> {
  const value: unknown = row.capabilitiesOverride ?? row.capabilities;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Partial<ProviderCapabilities>) : {};
}

/** Model lists the snapshot can use: arrays of objects with a string id (what the sync and the rules write). */
function usableModelLists(capabilities: Partial<ProviderCapabilities>): boolean {
  const valid = (list: unknown) =>
    Array.isArray(list) && list.every((m) => typeof m === 'object' && m !== null && typeof (m as { id?: unknown }).id === 'string');
  return valid(capabilities.textModels) && valid(capabilities.embeddingModels);
}

export function effectivePriority(row: Pick<ProviderConfig, 'priority' | 'priorityOverride'>): number {
  return row.priorityOverride ?? row.priority;
}

function credentialState(
  credential: AICredential | undefined,
  requiresApiKey: boolean,
  decryptable: DecryptCheck,
  now: number,
): CredentialState {
  if (!credential) return requiresApiKey ? 'missing' : 'not_required';
  if (!credential.isActive) return 'inactive';
  if (credential.expiresAt && credential.expiresAt.getTime() <= now) return 'expired';
  if (!decryptable(credential)) return 'undecryptable';
  return 'active';
}

/**
 * One provider as selection sees it, from its provider_configs row and its api_key credential
 * (the snapshot query loads only that one). Capabilities come from the row, falling back to the
 * catalog entry for rows synced before capabilities existed.
 */
export function toProviderState(
  row: ProviderConfig,
  catalog: Catalog,
  decryptable: DecryptCheck,
  now: number,
  /** Whether the row's circuit applies (passive health on); else the provider's is closed. */
  circuits: boolean,
): ProviderState {
  const entry = catalog.providers.get(row.provider);
  const capabilities = effectiveCapabilities(row);
  const hasModels = usableModelLists(capabilities);
  const requiresApiKey = capabilities.requiresApiKey ?? entry?.requiresApiKey ?? true;
  const credential = row.credentials?.[0];
  const state: ProviderState = {
    provider: row.provider,
    displayName: row.displayNameOverride ?? row.displayName,
    enabled: row.enabled,
    health: row.healthStatus,
    credential: credentialState(credential, requiresApiKey, decryptable, now),
    credentialExpiresAt: credential?.expiresAt ?? null,
    priority: effectivePriority(row),
    models: hasModels
      ? modelsFromCapabilities(capabilities as ProviderCapabilities)
      : {
          text: entry?.textModels.map((m) => m.id) ?? [],
          embedding: entry?.embeddingModels.map((m) => m.id) ?? [],
        },
    circuit: circuits
      ? {
          state: row.circuitState,
          until: row.circuitUntil,
          trips: row.circuitTrips,
          changedAt: row.circuitChangedAt,
          reason: row.circuitReason,
        }
      : { ...CLOSED_CIRCUIT },
    ...(row.budgetUsd == null
      ? {}
      : {
          budget: {
            nanos: usdToNanos(row.budgetUsd),
            window: row.budgetWindow,
            warnRatio: row.budgetWarnRatio,
            exhaustedUntil: row.budgetExhaustedUntil,
          },
        }),
  };
  state.standing = standingOf(state);
  return state;
}

export function buildSnapshot(states: Iterable<ProviderState>, catalog: Catalog): RegistrySnapshot {
  const providers = new Map<string, ProviderState>();
  for (const state of states) providers.set(state.provider, state);
  return { providers, catalog };
}

/**
 * A new snapshot with `changed` providers replaced (or added) and `removed` ones gone. The old
 * snapshot is left as it was: a selection running on it finishes on a consistent view.
 */
export function applyChanges(snapshot: RegistrySnapshot, changed: readonly ProviderState[], removed: Iterable<string>): RegistrySnapshot {
  const providers = new Map(snapshot.providers);
  for (const slug of removed) providers.delete(slug);
  for (const state of changed) providers.set(state.provider, state);
  return { providers, catalog: snapshot.catalog };
}
