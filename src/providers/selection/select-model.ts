import { Catalog, MODEL_TYPES, OperationConfig, PRECEDENCE_SOURCES, PrecedenceSource, PrecedenceWeights } from '../catalog/catalog.types';
import { checkAvailability, UnavailableReason } from './availability';
import { ModelType, RegistrySnapshot } from './registry-snapshot';
import { NoAvailableProviderError, UnknownOperationError } from './selection.errors';

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
  /**
   * Providers to pass over as `tripped`, with why: those whose half-open circuit has no trial call
   * left on this instance (ModelSelectionService). Not part of any API.
   */
  exclude?: ReadonlyMap<string, string>;
}

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

const WEIGHT_KEY: Record<PrecedenceSource, keyof PrecedenceWeights> = {
  command_override: 'commandOverride',
  project_preference: 'projectPreference',
  vault_preference: 'vaultPreference',
  operation: 'operation',
  global_default: 'globalDefault',
  fallback: 'fallback',
};

/** A candidate, or one known to be unusable before availability is even asked (operation switched off). */
interface Entry {
  candidate: Candidate;
  skip?: { reason: SkipReason; detail: string };
}

/**
 * Picks the provider/model for a request: walks the candidates from the highest precedence weight down
 * and returns the first available one. Each provider+model is checked once; a later repeat is skipped
 * as `duplicate`, so repeats and cycles between defaults and fallback chains cannot loop or re-report.
 * Throws UnknownOperationError for an operation the catalog does not declare (checked first, so a typo
 * is reported even when an override would have won) and NoAvailableProviderError when nothing is available.
 */
export function selectModel(snapshot: RegistrySnapshot, request: SelectionRequest): Selection {
  const { chosen, skipped } = walkCandidates(snapshot, request, 1);
  if (chosen.length === 0) throw new NoAvailableProviderError(request.modelType, skipped, request.operation);
  return { ...chosen[0], skipped };
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

/**
 * selectModel() walked to the end: what a caller falls back to when the chosen provider fails the
 * call itself. For embeddings only candidates of the first one's model stay (another model's
 * vectors are not comparable); the others are listed as skipped. Throws as selectModel() does.
 */
export function planSelection(snapshot: RegistrySnapshot, request: SelectionRequest): SelectionPlan {
  const { chosen, skipped } = walkCandidates(snapshot, request, Infinity);
  if (chosen.length === 0) throw new NoAvailableProviderError(request.modelType, skipped, request.operation);
  if (request.modelType !== 'embedding') return { candidates: chosen, skipped };
  const model = chosen[0].model;
  const candidates: PlannedCandidate[] = [];
  for (const candidate of chosen) {
    if (candidate.model === model) candidates.push(candidate);
    else {
      skipped.push({
        candidate,
        reason: 'different_embedding_model',
        detail: `${label(candidate)} embeds with another model than ${JSON.stringify(model)}: its vectors would not be comparable`,
      });
    }
  }
  return { candidates, skipped };
}

/** The walk both share: stops after `limit` available candidates. */
function walkCandidates(
  snapshot: RegistrySnapshot,
  request: SelectionRequest,
  limit: number,
): { chosen: PlannedCandidate[]; skipped: SkippedCandidate[] } {
  const operation = request.operation === undefined ? undefined : findOperation(snapshot, request.operation);
  const now = request.now?.getTime() ?? Date.now();
  const skipped: SkippedCandidate[] = [];
  const chosen: PlannedCandidate[] = [];
  const seen: Candidate[] = [];
  const plan = planFor(snapshot.catalog);

  for (const source of plan.order) {
    for (const { candidate, skip } of entriesFor(source, plan, snapshot, request, operation)) {
      if (skip) {
        skipped.push({ candidate, ...skip });
        continue;
      }
      // A handful of candidates at most: a scan costs less than building a key for a Map.
      const earlier = seen.find((c) => c.provider === candidate.provider && c.model === candidate.model);
      if (earlier !== undefined) {
        skipped.push({ candidate, reason: 'duplicate', detail: `${label(candidate)} was already considered as ${earlier.source}` });
        continue;
      }
      seen.push(candidate);
      const excluded = request.exclude?.get(candidate.provider);
      if (excluded !== undefined) {
        skipped.push({ candidate, reason: 'tripped', detail: excluded });
        continue;
      }

      const availability = checkAvailability(snapshot, candidate.provider, request.modelType, candidate.model ?? undefined, now);
      if (!availability.available) {
        skipped.push({ candidate, reason: availability.reason, detail: availability.detail });
      } else if (candidate.model === null) {
        // Unreachable while the snapshot is consistent: an available provider offers a model of the type.
        skipped.push({ candidate, reason: 'no_model_of_type', detail: `no ${request.modelType} model to use` });
      } else {
        chosen.push({ provider: candidate.provider, model: candidate.model, source });
        if (chosen.length >= limit) return { chosen, skipped };
      }
    }
  }
  return { chosen, skipped };
}

/**
 * What does not change per call, worked out once per catalog (catalogs are frozen): the precedence
 * order, and the candidates of the catalog's own sources per model type. Sorting the order on every
 * selection was ~40 % of its time.
 */
interface CatalogPlan {
  order: readonly PrecedenceSource[];
  globalDefault: Record<ModelType, readonly Entry[]>;
  fallback: Record<ModelType, readonly Entry[]>;
  operations: Map<string, Record<ModelType, readonly Entry[]>>;
}

const PLANS = new WeakMap<Catalog, CatalogPlan>();

function planFor(catalog: Catalog): CatalogPlan {
  let plan = PLANS.get(catalog);
  if (plan) return plan;
  const perType = (make: (type: ModelType) => Entry[]) =>
    Object.fromEntries(MODEL_TYPES.map((type) => [type, Object.freeze(make(type))])) as Record<ModelType, readonly Entry[]>;
  plan = {
    order: Object.freeze(precedenceOrder(catalog.precedenceWeights)),
    globalDefault: perType((type) => {
      const ref = catalog.defaults[type];
      return ref ? [{ candidate: { provider: ref.provider, model: ref.model, source: 'global_default' } }] : [];
    }),
    fallback: perType((type) =>
      (catalog.fallbackChain[type] ?? []).map((ref) => ({ candidate: { provider: ref.provider, model: ref.model, source: 'fallback' } })),
    ),
    operations: new Map([...catalog.operations.values()].map((op) => [op.name, perType((type) => [fromOperation(op, type)])])),
  };
  PLANS.set(catalog, plan);
  return plan;
}

/** Sources by weight, highest first; ties (only possible in a hand-built catalog) keep the documented order. */
export function precedenceOrder(weights: PrecedenceWeights): PrecedenceSource[] {
  return [...PRECEDENCE_SOURCES].sort((a, b) => weights[WEIGHT_KEY[b]] - weights[WEIGHT_KEY[a]]);
}

function entriesFor(
  source: PrecedenceSource,
  plan: CatalogPlan,
  snapshot: RegistrySnapshot,
  request: SelectionRequest,
  operation: OperationConfig | undefined,
): readonly Entry[] {
  const { modelType } = request;
  switch (source) {
    case 'command_override':
      return fromPreference(request.commandOverride, source, snapshot, modelType);
    case 'project_preference':
      return fromPreference(request.projectPreference, source, snapshot, modelType);
    case 'vault_preference':
      return fromPreference(request.vaultPreference, source, snapshot, modelType);
    case 'operation':
      return operation ? (plan.operations.get(operation.name)?.[modelType] ?? [fromOperation(operation, modelType)]) : [];
    case 'global_default':
      return plan.globalDefault[modelType];
    case 'fallback':
      return plan.fallback[modelType];
  }
}

function fromPreference(
  preference: ModelPreference | undefined,
  source: PrecedenceSource,
  snapshot: RegistrySnapshot,
  modelType: ModelType,
): Entry[] {
  if (!preference) return [];
  const model = preference.model ?? snapshot.providers.get(preference.provider)?.models[modelType][0] ?? null;
  return [{ candidate: { provider: preference.provider, model, source } }];
}

function fromOperation(operation: OperationConfig, modelType: ModelType): Entry {
  const candidate: Candidate = { provider: operation.provider, model: operation.model, source: 'operation' };
  const name = JSON.stringify(operation.name);
  if (!operation.enabled) {
    return { candidate, skip: { reason: 'operation_disabled', detail: `operation ${name} override is disabled` } };
  }
  if (operation.modelType !== modelType) {
    return {
      candidate,
      skip: {
        reason: 'operation_wrong_type',
        detail: `operation ${name} is configured for ${operation.modelType} models, the request is for ${modelType}`,
      },
    };
  }
  return { candidate };
}

function findOperation(snapshot: RegistrySnapshot, name: string): OperationConfig {
  const operation = snapshot.catalog.operations.get(name);
  if (!operation) throw new UnknownOperationError(name, [...snapshot.catalog.operations.keys()]);
  return operation;
}

function label(candidate: Candidate): string {
  return `${candidate.provider}/${candidate.model ?? '(none)'}`;
}
