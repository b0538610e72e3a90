/**
 * The provider catalog as the rest of the code sees it: validated, camelCase, deeply frozen.
 * It is built from config/providers.yaml by load-catalog.ts; nothing else constructs one except tests.
 */

export const PROBE_KINDS = ['openai', 'anthropic', 'ollama', 'openrouter', 'openai_compatible'] as const;
/** Which health probe speaks to the provider; `openai_compatible` covers any endpoint that mimics OpenAI's API. */
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const MODEL_TYPES = ['text', 'embedding'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

/**
 * Where a selection candidate came from. The same names key the precedence weights in the YAML,
 * so an operator reading a selection's `source` finds the matching weight by name.
 */
export const PRECEDENCE_SOURCES = [
  'command_override',
  'project_preference',
  'vault_preference',
  'operation',
  'global_default',
  'fallback',
] as const;
export type PrecedenceSource = (typeof PRECEDENCE_SOURCES)[number];

/** What a model costs, in USD per million tokens (the unit providers publish). */
export interface ModelPrice {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
}

export interface TextModel {
  readonly id: string;
  readonly name: string;
  readonly contextLength: number;
  /** Optional: without it, calls to the model count tokens but no spend. */
  readonly price?: ModelPrice;
}

export interface EmbeddingModel {
  readonly id: string;
  readonly name: string;
  readonly dimensions: number;
  readonly price?: ModelPrice;
}

export interface CatalogProvider {
  /** The map key in the YAML; also `provider_configs.provider`. */
  readonly slug: string;
  readonly displayName: string;
  readonly probe: ProbeKind;
  /** Without a trailing slash, so probes can append `/models` etc. */
  readonly baseUrl: string;
  readonly requiresApiKey: boolean;
  /** Environment/config keys the provider needs, e.g. `OPENAI_API_KEY`. */
  readonly requiredConfig: readonly string[];
  /** Lower = preferred. Orders provider lists; selection order itself comes from precedence + chains. */
  readonly priority: number;
  /** In file order: the first one is the provider's default text model. */
  readonly textModels: readonly TextModel[];
  /** In file order: the first one is the provider's default embedding model. */
  readonly embeddingModels: readonly EmbeddingModel[];
}

export interface ModelRef {
  readonly provider: string;
  readonly model: string;
}

export interface OperationConfig {
  readonly name: string;
  readonly provider: string;
  readonly model: string;
  /** A disabled operation falls through to the global default instead of using its override. */
  readonly enabled: boolean;
  readonly modelType: ModelType;
}

/** Higher weight = tried earlier. Distinct values are enforced at load so the order is never ambiguous. */
export interface PrecedenceWeights {
  readonly commandOverride: number;
  readonly projectPreference: number;
  readonly vaultPreference: number;
  readonly operation: number;
  readonly globalDefault: number;
  readonly fallback: number;
}

export interface Catalog {
  /** The file label the catalog was read from, for log lines and error messages. */
  readonly source: string;
  /** Keyed by slug, in file order. Runtime-frozen: set/delete/clear throw. */
  readonly providers: ReadonlyMap<string, CatalogProvider>;
  readonly defaults: Readonly<Record<ModelType, ModelRef>>;
  readonly fallbackChain: Readonly<Record<ModelType, readonly ModelRef[]>>;
  /** Keyed by operation name, in file order. Runtime-frozen like `providers`. */
  readonly operations: ReadonlyMap<string, OperationConfig>;
  readonly precedenceWeights: PrecedenceWeights;
}

/**
 * Same rule for provider slugs and operation names: they end up in URLs, CLI args and SQL; 63
 * characters is `provider_configs.provider` (varchar(63)).
 */
export const SLUG_PATTERN = /^[a-z][a-z0-9_-]{1,62}$/;
/**
 * Slugs that match the pattern but name JavaScript object internals: a host or the admin console
 * keying a plain object by slug (`prefs[slug]`) would read Object.prototype, and the UI-JSON guard
 * refuses them as keys. (`__proto__` already fails the pattern.)
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set(['constructor', 'prototype']);
export const CONFIG_KEY_PATTERN = /^[A-Z][A-Z0-9_]{0,99}$/;

/** Lower = preferred; the bound `setPriority` enforces too (priority is an integer column). */
export const PRIORITY_MAX = 1_000_000;
