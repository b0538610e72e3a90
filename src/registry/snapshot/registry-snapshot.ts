import { Catalog, ModelType } from '../catalog/catalog.types';
import type { BudgetWindow } from '../entities/provider-config.entity';
import type { Circuit } from '../kernel/circuit';
import type { HealthStatus } from '../kernel/health-status';

/** Why a provider cannot be used right now; availability.ts decides it, the snapshot holds each provider's standing. */
export type UnavailableReason =
  | 'unknown_provider'
  | 'disabled'
  | 'no_credential'
  | 'credential_expired'
  | 'credential_inactive'
  | 'credential_undecryptable'
  | 'unhealthy'
  /** Passive health: real calls failed often enough that the circuit is open (cooling down). */
  | 'tripped'
  | 'budget_exhausted'
  | 'no_model_of_type'
  | 'unknown_model';

export type Availability = { available: true } | { available: false; reason: UnavailableReason; detail: string };

export type { ModelType } from '../catalog/catalog.types';

/** Passive health as the snapshot holds it (provider_configs.circuit_*); see health/circuit.rules.ts. */
export interface CircuitSnapshot extends Circuit {
  reason: string | null;
}

/** The operator's budget and whether the window's spend has reached it (provider_configs.budget_*). */
export interface BudgetSnapshot {
  nanos: bigint;
  window: BudgetWindow;
  warnRatio: number;
  /** Set by the usage flush when the spend reached the budget: unavailable until then (the window's end). */
  exhaustedUntil: Date | null;
}

/**
 * The credential as availability needs it, decided when the snapshot is built:
 * `not_required` when the provider needs no key, `missing` when none is stored,
 * `inactive` when `is_active` is false, `expired` when `expires_at` has passed, `undecryptable` when
 * the key ring cannot decrypt it (a key missing from the ring, a wrong key under the same id, or a
 * row whose bound destination was changed behind the registry's back).
 */
export type CredentialState = 'active' | 'not_required' | 'missing' | 'expired' | 'inactive' | 'undecryptable';

/** One provider as the registry sees it right now (provider_configs row + its credential). */
export interface ProviderState {
  provider: string;
  displayName: string;
  /** Operator intent. */
  enabled: boolean;
  /** What probes observed; `unknown` (never probed) counts as available. */
  health: HealthStatus;
  credential: CredentialState;
  /**
   * When an `active` credential stops being valid. Optional: lets availability treat a credential as
   * expired the moment it expires, without waiting for the snapshot to be rebuilt.
   */
  credentialExpiresAt?: Date | null;
  /** Lower = preferred (same convention as the catalog). */
  priority: number;
  /** Model ids per type, first = the provider's default for that type. */
  models: Record<ModelType, string[]>;
  /** Absent in hand-built states: closed. */
  circuit?: CircuitSnapshot;
  /** Absent when the operator set none. */
  budget?: BudgetSnapshot;
  /**
   * standingOf(this state), decided when the snapshot is built; absent in hand-built states, where
   * availability works it out on each call.
   */
  standing?: Availability;
}

/** Everything selection reads. Immutable by convention: a refresh builds a new snapshot. */
export interface RegistrySnapshot {
  providers: ReadonlyMap<string, ProviderState>;
  catalog: Catalog;
}
