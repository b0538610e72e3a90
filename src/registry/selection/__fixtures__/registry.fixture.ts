import { parseCatalog } from '../../catalog/load-catalog';
import { capabilitiesFromCatalog, modelsFromCapabilities } from '../../catalog/provider-capabilities';
import { Catalog } from '../../catalog/catalog.types';
import { ProviderState, RegistrySnapshot } from '../../snapshot/registry-snapshot';

/*
 * Test-only: a small catalog with neutral names, so selection specs do not change meaning when the
 * shipped config/providers.yaml gets new models. alpha/beta/gamma offer text, delta only embeddings.
 */
export const FIXTURE_YAML = `
providers:
  alpha:
    display_name: Alpha
    probe: openai
    base_url: https://alpha.example/v1
    requires_api_key: true
    required_config: [ALPHA_API_KEY]
    priority: 10
    text_models:
      - { id: a1, name: A1, context_length: 1000 }
      - { id: a2, name: A2, context_length: 2000 }
    embedding_models:
      - { id: ae1, name: AE1, dimensions: 8 }
  beta:
    display_name: Beta
    probe: anthropic
    base_url: https://beta.example
    requires_api_key: true
    priority: 20
    text_models:
      - { id: b1, name: B1, context_length: 1000 }
  gamma:
    display_name: Gamma
    probe: ollama
    base_url: http://localhost:11434
    requires_api_key: false
    priority: 30
    text_models:
      - { id: g1, name: G1, context_length: 1000 }
    embedding_models:
      - { id: ge1, name: GE1, dimensions: 4 }
  delta:
    display_name: Delta
    probe: openai_compatible
    base_url: http://delta.local:8000/v1
    requires_api_key: false
    priority: 30
    embedding_models:
      - { id: de1, name: DE1, dimensions: 16 }
defaults:
  text: { provider: alpha, model: a1 }
  embedding: { provider: alpha, model: ae1 }
fallback_chain:
  text:
    - { provider: beta, model: b1 }
    - { provider: alpha, model: a1 }
    - { provider: gamma, model: g1 }
    - { provider: beta, model: b1 }
  embedding:
    - { provider: gamma, model: ge1 }
operations:
  summarize: { provider: gamma, model: g1, enabled: true }
  tagging: { provider: beta, model: b1, enabled: false }
  embed: { provider: delta, model: de1, enabled: true, model_type: embedding }
precedence_weights:
  command_override: 100
  project_preference: 80
  vault_preference: 60
  operation: 50
  global_default: 40
  fallback: 20
`;

export function fixtureCatalog(yaml = FIXTURE_YAML): Catalog {
  return parseCatalog(yaml, 'fixture.yaml');
}

/**
 * A snapshot where every catalog provider is enabled, healthy and has a usable credential
 * (built the way the registry service would: models from the capabilities written by sync),
 * with per-provider overrides.
 */
export function snapshotOf(overrides: Record<string, Partial<ProviderState>> = {}, catalog: Catalog = fixtureCatalog()): RegistrySnapshot {
  const providers = new Map<string, ProviderState>();
  for (const entry of catalog.providers.values()) {
    providers.set(entry.slug, {
      provider: entry.slug,
      displayName: entry.displayName,
      enabled: true,
      health: 'healthy',
      credential: entry.requiresApiKey ? 'active' : 'not_required',
      priority: entry.priority,
      models: modelsFromCapabilities(capabilitiesFromCatalog(entry)),
      ...overrides[entry.slug],
    });
  }
  return { providers, catalog };
}
