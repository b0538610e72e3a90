import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadCatalog, parseCatalog } from './load-catalog';
import { capabilitiesFromCatalog, modelsFromCapabilities, sameCapabilities } from './provider-capabilities';

const SHIPPED = join(__dirname, '../../../config/providers.yaml');

function catalogWith(requiredConfig: string[], baseUrl = 'http://localhost:8000/v1') {
  return parseCatalog(
    stringify({
      providers: {
        local: {
          display_name: 'Local',
          probe: 'openai_compatible',
          base_url: baseUrl,
          requires_api_key: false,
          required_config: requiredConfig,
          priority: 5,
          text_models: [
            { id: 'zeta', name: 'Zeta', context_length: 10 },
            { id: 'alpha', name: 'Alpha', context_length: 20 },
          ],
          embedding_models: [{ id: 'emb', name: 'Emb', dimensions: 3 }],
        },
      },
      defaults: { text: { provider: 'local', model: 'zeta' }, embedding: { provider: 'local', model: 'emb' } },
      precedence_weights: {
        command_override: 6,
        project_preference: 5,
        vault_preference: 4,
        operation: 3,
        global_default: 2,
        fallback: 1,
      },
    }),
    'caps.yaml',
  );
}

describe(capabilitiesFromCatalog.name, () => {
  it('holds exactly what the catalog says the provider can do, in camelCase', () => {
    const catalog = catalogWith(['LOCAL_URL']);
    expect(capabilitiesFromCatalog(catalog.providers.get('local')!)).toEqual({
      probe: 'openai_compatible',
      baseUrl: 'http://localhost:8000/v1',
      requiresApiKey: false,
      requiredConfig: ['LOCAL_URL'],
      textModels: [
        { id: 'zeta', name: 'Zeta', contextLength: 10 },
        { id: 'alpha', name: 'Alpha', contextLength: 20 },
      ],
      embeddingModels: [{ id: 'emb', name: 'Emb', dimensions: 3 }],
    });
  });

  it('is deterministic: two loads of the same file give identical JSON for every provider', () => {
    const first = loadCatalog(SHIPPED);
    const second = loadCatalog(SHIPPED);
    for (const slug of first.providers.keys()) {
      const a = capabilitiesFromCatalog(first.providers.get(slug)!);
      const b = capabilitiesFromCatalog(second.providers.get(slug)!);
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    }
  });

  it('sorts required config (a set) but keeps model order (the first model is the default)', () => {
    const a = capabilitiesFromCatalog(catalogWith(['B_KEY', 'A_KEY']).providers.get('local')!);
    const b = capabilitiesFromCatalog(catalogWith(['A_KEY', 'B_KEY']).providers.get('local')!);
    expect(a.requiredConfig).toEqual(['A_KEY', 'B_KEY']);
    expect(a).toEqual(b);
    expect(a.textModels.map((m) => m.id)).toEqual(['zeta', 'alpha']);
  });

  it('uses a fixed key order so serialised capabilities compare byte for byte', () => {
    const caps = capabilitiesFromCatalog(catalogWith([]).providers.get('local')!);
    expect(Object.keys(caps)).toEqual(['probe', 'baseUrl', 'requiresApiKey', 'requiredConfig', 'textModels', 'embeddingModels']);
    expect(Object.keys(caps.textModels[0])).toEqual(['id', 'name', 'contextLength']);
    expect(Object.keys(caps.embeddingModels[0])).toEqual(['id', 'name', 'dimensions']);
  });

  it('does not depend on a trailing slash in base_url', () => {
    const withSlash = capabilitiesFromCatalog(catalogWith([], 'http://localhost:8000/v1/').providers.get('local')!);
    const without = capabilitiesFromCatalog(catalogWith([], 'http://localhost:8000/v1').providers.get('local')!);
    expect(withSlash).toEqual(without);
  });

  it('returns a fresh, mutable copy that cannot alter the frozen catalog', () => {
    const catalog = catalogWith(['A_KEY']);
    const caps = capabilitiesFromCatalog(catalog.providers.get('local')!);
    caps.textModels.push({ id: 'x', name: 'X', contextLength: 1 });
    caps.requiredConfig.push('B_KEY');
    expect(catalog.providers.get('local')!.textModels).toHaveLength(2);
    expect(catalog.providers.get('local')!.requiredConfig).toEqual(['A_KEY']);
  });
});

describe(sameCapabilities.name, () => {
  const caps = () => capabilitiesFromCatalog(catalogWith(['A_KEY']).providers.get('local')!);

  it('ignores key order, as a jsonb round trip reorders keys', () => {
    const reordered = JSON.parse(
      '{"textModels":[{"contextLength":10,"name":"Zeta","id":"zeta"},{"id":"alpha","contextLength":20,"name":"Alpha"}],' +
        '"embeddingModels":[{"dimensions":3,"id":"emb","name":"Emb"}],"requiredConfig":["A_KEY"],' +
        '"requiresApiKey":false,"baseUrl":"http://localhost:8000/v1","probe":"openai_compatible"}',
    );
    expect(sameCapabilities(caps(), reordered)).toBe(true);
  });

  it('sees every real difference', () => {
    const changed = [
      { ...caps(), baseUrl: 'http://other:8000/v1' },
      { ...caps(), requiresApiKey: true },
      { ...caps(), requiredConfig: [] },
      { ...caps(), textModels: [...caps().textModels].reverse() },
      { ...caps(), embeddingModels: [{ id: 'emb', name: 'Emb', dimensions: 4 }] },
      { ...caps(), extra: 1 },
    ];
    for (const other of changed) expect(sameCapabilities(caps(), other)).toBe(false);
    expect(sameCapabilities(caps(), null)).toBe(false);
    expect(sameCapabilities(caps(), {})).toBe(false);
  });
});

describe(modelsFromCapabilities.name, () => {
  it('lists model ids per type in capabilities order', () => {
    const caps = capabilitiesFromCatalog(catalogWith([]).providers.get('local')!);
    expect(modelsFromCapabilities(caps)).toEqual({ text: ['zeta', 'alpha'], embedding: ['emb'] });
  });
});
