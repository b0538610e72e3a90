import { Catalog, MODEL_TYPES, OperationConfig, PRECEDENCE_SOURCES, PrecedenceSource, PrecedenceWeights } from '../catalog/catalog.types';
import type { ModelType, RegistrySnapshot } from '../snapshot/registry-snapshot';
import type { Candidate, ModelPreference, SelectionRequest, SkipReason } from './selection.types';
import { UnknownOperationError } from './selection.errors';

/*
 * Where a selection's candidates come from, in precedence order: the request's preferences, the
 * operation's override, the catalog's default and fallback chain.
 */

const WEIGHT_KEY: Record<PrecedenceSource, keyof PrecedenceWeights> = {
  command_override: 'commandOverride',
  project_preference: 'projectPreference',
  vault_preference: 'vaultPreference',
  operation: 'operation',
  global_default: 'globalDefault',
  fallback: 'fallback',
};

/** A candidate, or one known to be unusable before availability is even asked (operation switched off). */
export interface Entry {
  candidate: Candidate;
  skip?: { reason: SkipReason; detail: string };
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

const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

const PLANS = new WeakMap<Catalog, CatalogPlan>();

export function planFor(catalog: Catalog): CatalogPlan {
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

export function entriesFor(
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
      return operation ? (plan.operations.get(operation.name)?.[modelType] ?? [fromOperation(operation, modelType)]) : NO_ENTRIES;
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
): readonly Entry[] {
  if (!preference) return NO_ENTRIES;
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

export function findOperation(snapshot: RegistrySnapshot, name: string): OperationConfig {
  const operation = snapshot.catalog.operations.get(name);
  if (!operation) throw new UnknownOperationError(name, [...snapshot.catalog.operations.keys()]);
  return operation;
}
