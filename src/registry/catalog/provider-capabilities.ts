import { CatalogProvider, EmbeddingModel, ModelType, ProbeKind, TextModel } from './catalog.types';

/**
 * What `provider_configs.capabilities` (jsonb) holds for one provider: everything the catalog says the
 * provider can do, minus what has its own column (display name, priority).
 */
export interface ProviderCapabilities {
  probe: ProbeKind;
  baseUrl: string;
  requiresApiKey: boolean;
  requiredConfig: string[];
  textModels: TextModel[];
  embeddingModels: EmbeddingModel[];
}

/**
 * Builds capabilities from a catalog entry. Deterministic: fixed key order, required config sorted
 * (it is a set), models kept in file order because that order is meaningful (the first model of a
 * type is the provider's default for it). Same catalog entry in → deep-equal object out.
 */
export function capabilitiesFromCatalog(entry: CatalogProvider): ProviderCapabilities {
  return {
    probe: entry.probe,
    baseUrl: entry.baseUrl,
    requiresApiKey: entry.requiresApiKey,
    requiredConfig: [...entry.requiredConfig].sort(),
    textModels: entry.textModels.map((m) => ({ id: m.id, name: m.name, contextLength: m.contextLength })),
    embeddingModels: entry.embeddingModels.map((m) => ({ id: m.id, name: m.name, dimensions: m.dimensions })),
  };
}

/** Model ids per type, in capabilities order: what a RegistrySnapshot's ProviderState.models holds. */
export function modelsFromCapabilities(capabilities: ProviderCapabilities): Record<ModelType, string[]> {
  return {
    text: capabilities.textModels.map((m) => m.id),
    embedding: capabilities.embeddingModels.map((m) => m.id),
  };
}

/**
 * Deep equality that ignores object key order: Postgres jsonb does not keep the order keys were
 * written in, so a sync comparing a stored row with a fresh build must not depend on it.
 */
export function sameCapabilities(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameCapabilities(x, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    keysA.length === keysB.length &&
    keysA.every((k) => sameCapabilities((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
