import { validateBaseUrl } from '../egress/base-url.policy';
import { CatalogSchema, ModelRefSchema, ProviderSchema } from './catalog.schema';
import { Catalog, CatalogProvider, ModelRef, ModelType, OperationConfig, ProbeKind } from './catalog.types';

/**
 * Maps a validated snake_case document to the camelCase, deeply frozen Catalog. Only called after
 * validateCatalogDocument found no issues, so the casts here are backed by the schema's rules.
 */
export function toCatalog(document: CatalogSchema, source: string): Catalog {
  const providers = [...document.providers].map(([slug, p]) => [slug, toProvider(slug, p)] as const);
  const operations = [...(document.operations ?? new Map())].map(
    ([name, op]) =>
      [
        name,
        {
          name,
          provider: op.provider,
          model: op.model,
          enabled: op.enabled,
          modelType: (op.model_type ?? 'text') as ModelType,
        } satisfies OperationConfig,
      ] as const,
  );
  const weights = document.precedence_weights;

  return deepFreeze({
    source,
    providers: readOnlyMap(providers),
    defaults: { text: toRef(document.defaults.text), embedding: toRef(document.defaults.embedding) },
    fallbackChain: {
      text: (document.fallback_chain?.text ?? []).map(toRef),
      embedding: (document.fallback_chain?.embedding ?? []).map(toRef),
    },
    operations: readOnlyMap(operations),
    precedenceWeights: {
      commandOverride: weights.command_override,
      projectPreference: weights.project_preference,
      vaultPreference: weights.vault_preference,
      operation: weights.operation,
      globalDefault: weights.global_default,
      fallback: weights.fallback,
    },
  });
}

function toProvider(slug: string, p: ProviderSchema): CatalogProvider {
  return {
    slug,
    displayName: p.display_name,
    probe: p.probe as ProbeKind,
    // The policy's normal form (no trailing slash, no empty `?`/`#`): one spelling, so capabilities
    // compare equal however the file wrote it, and probes can append `/models`.
    baseUrl: validateBaseUrl(p.base_url),
    requiresApiKey: p.requires_api_key,
    requiredConfig: [...(p.required_config ?? [])],
    priority: p.priority,
    textModels: (p.text_models ?? []).map((m) => ({
      id: m.id,
      name: m.name,
      contextLength: m.context_length,
      ...(m.price ? { price: { inputPerMTok: m.price.input, outputPerMTok: m.price.output } } : {}),
    })),
    embeddingModels: (p.embedding_models ?? []).map((m) => ({
      id: m.id,
      name: m.name,
      dimensions: m.dimensions,
      ...(m.price ? { price: { inputPerMTok: m.price.input, outputPerMTok: 0 } } : {}),
    })),
  };
}

function toRef(ref: ModelRefSchema): ModelRef {
  return { provider: ref.provider, model: ref.model };
}

/**
 * Object.freeze does not stop Map#set, so the mutators are shadowed with throwing ones: the catalog
 * is shared by every request and must not be changed by one of them.
 */
function readOnlyMap<V>(entries: Iterable<readonly [string, V]>): ReadonlyMap<string, V> {
  const map = new Map(entries);
  const refuse = () => {
    throw new TypeError('the catalog is read-only');
  };
  for (const method of ['set', 'delete', 'clear']) {
    Object.defineProperty(map, method, { value: refuse, enumerable: false });
  }
  return map;
}

function deepFreeze<T>(value: T): T {
  if (value instanceof Map) {
    for (const entry of value.values()) deepFreeze(entry);
  } else if (typeof value === 'object' && value !== null) {
    for (const entry of Object.values(value)) deepFreeze(entry);
  }
  return Object.freeze(value);
}
