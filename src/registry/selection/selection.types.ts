import type { PrecedenceSource } from '../catalog/catalog.types';
import type { UnavailableReason } from '../snapshot/registry-snapshot';
import type { ModelType } from '../snapshot/registry-snapshot';

/** A caller's choice; without `model` it means "this provider's first model of the requested type". */
export interface ModelPreference {
  provider: string;
  model?: string;
}

export interface SelectionRequest {
  modelType: ModelType;
  /** An operation declared in the catalog (e.g. `tagging`); its override applies if enabled and of this type. */
  operation?: string;
  commandOverride?: ModelPreference;
  projectPreference?: ModelPreference;
  vaultPreference?: ModelPreference;
  /** Clock for credential expiry; defaults to now. */
  now?: Date;
}

/**
 * Providers to pass over as `tripped`, with why: those whose half-open circuit has no trial call left
 * on this instance (ModelSelectionService). An argument of its own rather than a request field, so
 * the service does not copy the caller's request on every selection.
 */
export type Exclusions = ReadonlyMap<string, string> | undefined;

export type CandidateSource = PrecedenceSource;

export interface Candidate {
  provider: string;
  /** null when a preference named no model and the provider offers none of the type (or is unknown). */
  model: string | null;
  source: CandidateSource;
}

export type SkipReason =
  | UnavailableReason
  | 'duplicate'
  | 'operation_disabled'
  | 'operation_wrong_type'
  /** In a plan for embeddings: another model's vectors would not be comparable with the first one's. */
  | 'different_embedding_model';

export interface SkippedCandidate {
  candidate: Candidate;
  reason: SkipReason;
  detail: string;
}

export interface Selection {
  provider: string;
  model: string;
  source: CandidateSource;
  /** Candidates tried before the chosen one, in order, each with why it was passed over. */
  skipped: SkippedCandidate[];
}

/** A chosen candidate: available now, with a model to use. */
export interface PlannedCandidate {
  provider: string;
  model: string;
  source: CandidateSource;
}

/** Every available candidate of a request in the order a caller should try them, and why the others were passed over. */
export interface SelectionPlan {
  /** The first is what selectModel() picks; the rest are its fallbacks, in order. */
  candidates: PlannedCandidate[];
  skipped: SkippedCandidate[];
}
