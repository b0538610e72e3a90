import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CatalogError } from './catalog.errors';
import { loadCatalog, parseCatalog } from './load-catalog';

const SHIPPED = join(__dirname, '../../../config/providers.yaml');
const FILE = 'config/providers.yaml';

/** A small valid document; each invalid case breaks one thing in a fresh copy. */
function validDoc(): any {
  return {
    providers: {
      openai: {
        display_name: 'OpenAI',
        probe: 'openai',
        base_url: 'https://api.openai.com/v1',
        requires_api_key: true,
        required_config: ['OPENAI_API_KEY'],
        priority: 10,
        text_models: [
          { id: 'gpt-4o', name: 'GPT-4o', context_length: 128000 },
          { id: 'gpt-4o-mini', name: 'GPT-4o mini', context_length: 128000 },
        ],
        embedding_models: [{ id: 'text-embedding-3-small', name: 'Small', dimensions: 1536 }],
      },
      anthropic: {
        display_name: 'Anthropic',
        probe: 'anthropic',
        base_url: 'https://api.anthropic.com',
        requires_api_key: true,
        required_config: ['ANTHROPIC_API_KEY'],
        priority: 20,
        text_models: [{ id: 'claude-haiku-4-5', name: 'Claude Haiku 4.5', context_length: 200000 }],
      },
    },
    defaults: {
      text: { provider: 'openai', model: 'gpt-4o-mini' },
      embedding: { provider: 'openai', model: 'text-embedding-3-small' },
    },
    fallback_chain: { text: [{ provider: 'anthropic', model: 'claude-haiku-4-5' }], embedding: [] },
    operations: {
      tagging: { provider: 'anthropic', model: 'claude-haiku-4-5', enabled: true },
      embedding: { provider: 'openai', model: 'text-embedding-3-small', enabled: true, model_type: 'embedding' },
    },
    precedence_weights: {
      command_override: 100,
      project_preference: 80,
      vault_preference: 60,
      operation: 50,
      global_default: 40,
      fallback: 20,
    },
  };
}

function issuesOf(text: string): { path: string; rule: string }[] {
  try {
    parseCatalog(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return [...(error as CatalogError).issues];
  }
  throw new Error('expected the catalog to be rejected');
}

/** A fresh valid document with one change applied. */
function issuesDoc(change: (doc: any) => void): any {
  const doc = validDoc();
  change(doc);
  return doc;
}

function issuesAfter(change: (doc: any) => void): { path: string; rule: string }[] {
  const doc = validDoc();
  change(doc);
  return issuesOf(stringify(doc));
}

describe('loadCatalog (shipped config/providers.yaml)', () => {
  const catalog = loadCatalog(SHIPPED);

  it('declares the four built-in providers in file order with their probes and base URLs', () => {
    expect([...catalog.providers.keys()]).toEqual(['openai', 'anthropic', 'openrouter', 'ollama']);
    expect([...catalog.providers.values()].map((p) => [p.slug, p.probe, p.baseUrl, p.requiresApiKey, p.requiredConfig])).toEqual([
      ['openai', 'openai', 'https://api.openai.com/v1', true, ['OPENAI_API_KEY']],
      ['anthropic', 'anthropic', 'https://api.anthropic.com', true, ['ANTHROPIC_API_KEY']],
      ['openrouter', 'openrouter', 'https://openrouter.ai/api/v1', true, ['OPENROUTER_API_KEY']],
      ['ollama', 'ollama', 'http://localhost:11434', false, ['OLLAMA_BASE_URL']],
    ]);
  });

  it('maps models to camelCase with their sizes and prices', () => {
    const openai = catalog.providers.get('openai')!;
    expect(openai.displayName).toBe('OpenAI');
    expect(openai.textModels).toContainEqual({
      id: 'gpt-4o',
      name: 'GPT-4o',
      contextLength: 128000,
      price: { inputPerMTok: 2.5, outputPerMTok: 10 },
    });
    expect(openai.embeddingModels).toEqual([
      { id: 'text-embedding-3-small', name: 'Text Embedding 3 Small', dimensions: 1536, price: { inputPerMTok: 0.02, outputPerMTok: 0 } },
      { id: 'text-embedding-3-large', name: 'Text Embedding 3 Large', dimensions: 3072, price: { inputPerMTok: 0.13, outputPerMTok: 0 } },
    ]);
    expect(catalog.providers.get('anthropic')!.embeddingModels).toEqual([]);
    expect(catalog.providers.get('anthropic')!.textModels.map((m) => m.id)).toContain('claude-sonnet-4-5');
    expect(catalog.providers.get('ollama')!.embeddingModels[0]).toEqual({
      id: 'nomic-embed-text',
      name: 'Nomic Embed Text',
      dimensions: 768,
    });
    expect(catalog.providers.get('openrouter')!.textModels.map((m) => m.id)).toEqual(
      expect.arrayContaining(['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4.5']),
    );
  });

  it('has defaults, fallback chains, operations and precedence weights', () => {
    expect(catalog.source).toBe(SHIPPED);
    expect(catalog.defaults.text).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(catalog.defaults.embedding).toEqual({ provider: 'openai', model: 'text-embedding-3-small' });
    expect(catalog.fallbackChain.text.length).toBeGreaterThan(0);
    expect([...catalog.operations.keys()]).toEqual(['enrichment', 'classification', 'embedding', 'tagging', 'title_generation']);
    expect(catalog.operations.get('embedding')).toMatchObject({ modelType: 'embedding', enabled: true });
    expect(catalog.operations.get('tagging')).toMatchObject({ name: 'tagging', modelType: 'text' });
    expect(catalog.precedenceWeights).toEqual({
      commandOverride: 100,
      projectPreference: 80,
      vaultPreference: 60,
      operation: 50,
      globalDefault: 40,
      fallback: 20,
    });
  });

  it('is deeply frozen, including its maps', () => {
    expect(Object.isFrozen(catalog)).toBe(true);
    expect(Object.isFrozen(catalog.defaults.text)).toBe(true);
    const openai = catalog.providers.get('openai')!;
    expect(Object.isFrozen(openai.textModels)).toBe(true);
    expect(Object.isFrozen(openai.textModels[0])).toBe(true);
    expect(() => (catalog.providers as Map<string, unknown>).set('x', {})).toThrow('read-only');
    expect(() => (catalog.providers as Map<string, unknown>).delete('openai')).toThrow('read-only');
    expect(() => (catalog.operations as Map<string, unknown>).clear()).toThrow('read-only');
    expect(catalog.providers.has('openai')).toBe(true);
  });

  it('accepts the commented openai_compatible example once uncommented', () => {
    const text = readFileSync(SHIPPED, 'utf8');
    const lines = text.split('\n');
    const start = lines.findIndex((line) => line.startsWith('  # my_vllm:'));
    expect(start).toBeGreaterThan(0);
    let end = start + 1;
    while (lines[end]?.startsWith('  #   ')) end++;
    const uncommented = lines.map((line, i) => (i >= start && i < end ? line.replace(/^ {2}# /, '  ') : line));

    const catalogWithCustom = parseCatalog(uncommented.join('\n'), FILE);
    const custom = catalogWithCustom.providers.get('my_vllm');
    expect(custom).toMatchObject({ probe: 'openai_compatible', baseUrl: 'http://localhost:8000/v1', requiresApiKey: false });
    expect(custom!.textModels).toHaveLength(1);
    expect(custom!.embeddingModels).toHaveLength(1);
  });
});

describe('parseCatalog', () => {
  it('accepts the minimal valid document and defaults the optional parts', () => {
    const doc = validDoc();
    delete doc.fallback_chain;
    delete doc.operations;
    delete doc.providers.anthropic.required_config;
    doc.providers.openai.base_url = 'https://api.openai.com/v1/';
    const catalog = parseCatalog(stringify(doc), FILE);
    expect(catalog.fallbackChain).toEqual({ text: [], embedding: [] });
    expect(catalog.operations.size).toBe(0);
    expect(catalog.providers.get('anthropic')!.requiredConfig).toEqual([]);
    expect(catalog.providers.get('anthropic')!.embeddingModels).toEqual([]);
    // One spelling of the base URL, so synced capabilities do not flip on a trailing slash.
    expect(catalog.providers.get('openai')!.baseUrl).toBe('https://api.openai.com/v1');
  });

  it.each([
    ['zero', 0],
    ['negative', -5],
    ['fractional', 1.5],
    ['a string', '4096'],
  ])('rejects a %s context length with path and rule', (_label, value) => {
    expect(issuesAfter((d) => (d.providers.openai.text_models[1].context_length = value))).toEqual([
      { path: 'providers.openai.text_models[1].context_length', rule: 'must be a positive integer' },
    ]);
  });

  it('rejects non-positive dimensions', () => {
    expect(issuesAfter((d) => (d.providers.openai.embedding_models[0].dimensions = 0))).toEqual([
      { path: 'providers.openai.embedding_models[0].dimensions', rule: 'must be a positive integer' },
    ]);
  });

  it.each([
    ['negative', -1],
    ['too precise', 0.0001],
    ['a string', '2.5'],
  ])('rejects a %s price with path and rule', (_label, value) => {
    const rule = 'must be a price in USD per million tokens from 0 to 10000, with at most 3 decimals';
    expect(issuesAfter((d) => (d.providers.openai.text_models[0].price = { input: 1, output: value }))).toEqual([
      { path: 'providers.openai.text_models[0].price.output', rule },
    ]);
  });

  it('takes no output price for an embedding model and no price key it does not know', () => {
    expect(issuesAfter((d) => (d.providers.openai.embedding_models[0].price = { input: 0.02, output: 1 }))).toEqual([
      { path: 'providers.openai.embedding_models[0].price.output', rule: 'is not a known property' },
    ]);
  });

  it('reports a duplicate model id with the exact message', () => {
    const doc = validDoc();
    doc.providers.openai.text_models[1].id = 'gpt-4o';
    doc.defaults.text.model = 'gpt-4o';
    expect(() => parseCatalog(stringify(doc), FILE)).toThrow(
      new CatalogError(FILE, [{ path: 'providers.openai.text_models[1].id', rule: 'duplicate model id "gpt-4o"' }]),
    );
    expect(() => parseCatalog(stringify(doc), FILE)).toThrow(
      /^config\/providers\.yaml: providers\.openai\.text_models\[1\]\.id: duplicate model id "gpt-4o"$/,
    );
  });

  it('allows the same id as a text and an embedding model (duplicates are per type)', () => {
    const doc = validDoc();
    doc.providers.openai.embedding_models.push({ id: 'gpt-4o', name: 'odd but legal', dimensions: 8 });
    expect(parseCatalog(stringify(doc), FILE).providers.get('openai')!.embeddingModels).toHaveLength(2);
  });

  it('rejects a default naming an unknown provider', () => {
    expect(issuesAfter((d) => (d.defaults.text.provider = 'nope'))).toEqual([
      { path: 'defaults.text.provider', rule: 'unknown provider "nope" (known: anthropic, openai)' },
    ]);
  });

  it('rejects a default naming a model the provider does not offer for that type', () => {
    expect(issuesAfter((d) => (d.defaults.embedding.model = 'gpt-4o'))).toEqual([
      { path: 'defaults.embedding.model', rule: 'provider "openai" offers no embedding model "gpt-4o" (it is a text model)' },
    ]);
    expect(issuesAfter((d) => (d.defaults.embedding = { provider: 'anthropic', model: 'claude-haiku-4-5' }))).toEqual([
      {
        path: 'defaults.embedding.model',
        rule: 'provider "anthropic" offers no embedding model "claude-haiku-4-5" (it is a text model)',
      },
    ]);
  });

  it('rejects fallback chain entries with unknown providers or models, by index', () => {
    expect(
      issuesAfter((d) => {
        d.fallback_chain.text.push({ provider: 'openai', model: 'gpt-9' });
        d.fallback_chain.embedding.push({ provider: 'mistral', model: 'mistral-embed' });
      }),
    ).toEqual([
      { path: 'fallback_chain.text[1].model', rule: 'provider "openai" offers no text model "gpt-9"' },
      { path: 'fallback_chain.embedding[0].provider', rule: 'unknown provider "mistral" (known: anthropic, openai)' },
    ]);
  });

  it('checks operation references against the operation model_type', () => {
    expect(issuesAfter((d) => (d.operations.embedding.model_type = 'text'))).toEqual([
      {
        path: 'operations.embedding.model',
        rule: 'provider "openai" offers no text model "text-embedding-3-small" (it is an embedding model)',
      },
    ]);
    expect(issuesAfter((d) => (d.operations.tagging.provider = 'ghost'))).toEqual([
      { path: 'operations.tagging.provider', rule: 'unknown provider "ghost" (known: anthropic, openai)' },
    ]);
    expect(issuesAfter((d) => (d.operations.tagging.model_type = 'image'))).toEqual([
      { path: 'operations.tagging.model_type', rule: 'must be one of text, embedding (default text)' },
    ]);
    expect(issuesAfter((d) => delete d.operations.tagging.enabled)).toEqual([
      { path: 'operations.tagging.enabled', rule: 'must be true or false' },
    ]);
  });

  it('validates disabled operations too, so a typo cannot hide until someone enables it', () => {
    expect(issuesAfter((d) => (d.operations.tagging = { provider: 'anthropic', model: 'claude-hiaku', enabled: false }))).toEqual([
      { path: 'operations.tagging.model', rule: 'provider "anthropic" offers no text model "claude-hiaku"' },
    ]);
  });

  it('rejects bad provider slugs and operation names, quoting keys that are not plain words', () => {
    const rule = 'provider slug must match ^[a-z][a-z0-9_-]{1,62}$';
    expect(issuesAfter((d) => (d.providers.OpenAI = d.providers.openai))).toEqual([{ path: 'providers.OpenAI', rule }]);
    expect(issuesAfter((d) => (d.providers['open ai'] = d.providers.openai))).toEqual([{ path: 'providers["open ai"]', rule }]);
    expect(issuesAfter((d) => (d.providers.x = d.providers.openai))).toEqual([{ path: 'providers.x', rule }]);
    expect(issuesAfter((d) => (d.providers['a'.repeat(64)] = d.providers.openai))).toEqual([{ path: `providers.${'a'.repeat(64)}`, rule }]);
    expect(issuesAfter((d) => (d.operations['Title Generation'] = d.operations.tagging))).toEqual([
      { path: 'operations["Title Generation"]', rule: 'operation name must match ^[a-z][a-z0-9_-]{1,62}$' },
    ]);
  });

  it('accepts a 63-character slug with digits, dashes and underscores', () => {
    const doc = validDoc();
    const slug = 'a1_-' + 'b'.repeat(59);
    doc.providers[slug] = doc.providers.openai;
    expect(parseCatalog(stringify(doc), FILE).providers.get(slug)!.slug).toBe(slug);
  });

  it.each<[string, (d: any) => void, string, string]>([
    [
      'probe',
      (d) => (d.providers.openai.probe = 'gemini'),
      'providers.openai.probe',
      'must be one of openai, anthropic, ollama, openrouter, openai_compatible',
    ],
    [
      'base_url scheme',
      (d) => (d.providers.openai.base_url = 'ftp://api.openai.com'),
      'providers.openai.base_url',
      'base URL must use http or https, not ftp',
    ],
    [
      'base_url credentials',
      (d) => (d.providers.openai.base_url = 'https://user:secret@api.openai.com'),
      'providers.openai.base_url',
      'base URL must not contain a user name or password',
    ],
    [
      'base_url garbage',
      (d) => (d.providers.openai.base_url = 'not a url'),
      'providers.openai.base_url',
      'base URL must be an absolute http(s) URL',
    ],
    ['base_url type', (d) => (d.providers.openai.base_url = 443), 'providers.openai.base_url', 'must be an http:// or https:// URL'],
    [
      'requires_api_key',
      (d) => (d.providers.openai.requires_api_key = 'yes'),
      'providers.openai.requires_api_key',
      'must be true or false',
    ],
    [
      'required_config',
      (d) => (d.providers.openai.required_config = ['OPENAI_API_KEY', 'openai_org']),
      'providers.openai.required_config',
      'every entry must match ^[A-Z][A-Z0-9_]{0,99}$ (bad: "openai_org")',
    ],
    [
      'required_config repeat',
      (d) => (d.providers.openai.required_config = ['A', 'A']),
      'providers.openai.required_config',
      'must not list a key twice',
    ],
    [
      'priority',
      (d) => (d.providers.openai.priority = -1),
      'providers.openai.priority',
      'must be an integer from 0 to 1000000 (lower = preferred)',
    ],
    ['display_name', (d) => (d.providers.openai.display_name = ''), 'providers.openai.display_name', 'must be a non-empty string'],
    [
      'model id',
      (d) => delete d.providers.openai.text_models[0].id,
      'providers.openai.text_models[0].id',
      'must be 1-200 characters of A-Z a-z 0-9 and . _ : / @ + ~ -',
    ],
    [
      'model entry',
      (d) => (d.providers.openai.text_models[1] = 'gpt-4o-mini'),
      'providers.openai.text_models[1]',
      'must be a mapping with id, name, context_length',
    ],
    [
      'model list',
      (d) => (d.providers.anthropic.text_models = 'claude'),
      'providers.anthropic.text_models',
      'must be a list of text models',
    ],
    ['missing defaults', (d) => delete d.defaults, 'defaults', 'must be a mapping (text and embedding defaults)'],
    ['missing default type', (d) => delete d.defaults.embedding, 'defaults.embedding', 'must be a mapping (provider, model)'],
    ['providers as a list', (d) => (d.providers = [d.providers.openai]), 'providers', 'must be a mapping (provider slug → provider)'],
    [
      'weight',
      (d) => (d.precedence_weights.vault_preference = 'high'),
      'precedence_weights.vault_preference',
      'must be an integer (higher = tried earlier)',
    ],
    [
      'equal weights',
      (d) => (d.precedence_weights.global_default = 50),
      'precedence_weights.global_default',
      'must differ from operation (both 50): equal weights make the order ambiguous',
    ],
    [
      'unknown key',
      (d) => (d.providers.openai.displayName = 'OpenAI'),
      'providers.openai.displayName',
      'is not a known property (keys are snake_case: did you mean display_name?)',
    ],
    ['unknown top-level key', (d) => (d.fallbacks = []), 'fallbacks', 'is not a known property'],
  ])('rejects a bad %s with its path and rule', (_label, change, path, rule) => {
    expect(issuesAfter(change)).toEqual([{ path, rule }]);
  });

  describe('provider slugs that name object internals', () => {
    // Each of these was dropped without a word: class-transformer skips keys naming Map.prototype members.
    it.each(['keys', 'values', 'entries', 'get', 'set', 'has', 'delete', 'clear', 'size', 'for_each'])(
      'keeps a provider called %s and lets defaults and operations refer to it',
      (slug) => {
        const doc = validDoc();
        doc.providers[slug] = doc.providers.anthropic;
        doc.defaults.text.provider = slug;
        doc.defaults.text.model = 'claude-haiku-4-5';
        doc.operations[slug] = { provider: slug, model: 'claude-haiku-4-5', enabled: true };
        const catalog = parseCatalog(stringify(doc), FILE);
        expect([...catalog.providers.keys()]).toEqual(['openai', 'anthropic', slug]);
        expect(catalog.providers.get(slug)).toMatchObject({ slug, displayName: 'Anthropic', priority: 20 });
        expect(catalog.defaults.text).toEqual({ provider: slug, model: 'claude-haiku-4-5' });
        expect(catalog.operations.get(slug)).toMatchObject({ name: slug, provider: slug });
      },
    );

    it.each(['constructor', 'prototype'])('rejects the reserved slug %s with a catalog error naming it', (slug) => {
      const doc = validDoc();
      doc.providers[slug] = doc.providers.anthropic;
      doc.operations[slug] = doc.operations.tagging;
      expect(() => parseCatalog(stringify(doc), FILE)).toThrow(
        [
          `${FILE}: providers.${slug}: provider slug "${slug}" is reserved: it names a JavaScript object internal`,
          `${FILE}: operations.${slug}: operation name "${slug}" is reserved: it names a JavaScript object internal`,
        ].join('\n'),
      );
    });

    it.each(['__proto__', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'])(
      'reports %s as a bad slug instead of dropping it',
      (slug) => {
        const text = stringify(validDoc()).replace(/^providers:\n/, `providers:\n  ${slug}:\n    display_name: X\n`);
        const issues = issuesOf(text);
        expect(issues).toContainEqual({ path: `providers.${slug}`, rule: 'provider slug must match ^[a-z][a-z0-9_-]{1,62}$' });
      },
    );
  });

  describe('priority', () => {
    it.each([0, 1, 1_000_000])('accepts %d', (priority) => {
      const doc = validDoc();
      doc.providers.openai.priority = priority;
      expect(parseCatalog(stringify(doc), FILE).providers.get('openai')!.priority).toBe(priority);
    });

    it.each([1_000_001, 1_000_000_000_000, 2 ** 31, -1, 1.5, '10', null])(
      'rejects %p (boot used to fail later with a raw "out of range")',
      (priority) => {
        expect(() => parseCatalog(stringify(issuesDoc((d) => (d.providers.openai.priority = priority))), FILE)).toThrow(
          `${FILE}: providers.openai.priority: must be an integer from 0 to 1000000 (lower = preferred)`,
        );
      },
    );
  });

  describe('base_url', () => {
    it.each([
      ['a query string', 'https://api.openai.com/v1?api-version=2024-10-21', /query string or fragment/],
      ['a fragment', 'https://api.openai.com/v1#models', /query string or fragment/],
      ['credentials', 'https://sk-abc@api.openai.com/v1', /user name or password/],
      ['the link-local metadata address', 'http://169.254.169.254/latest', /not allowed/],
      ['the metadata address in hex', 'http://0xa9fea9fe/', /not allowed/],
      ['the metadata address inside IPv6', 'http://[::ffff:169.254.169.254]/', /not allowed/],
      ['the GCP metadata host', 'http://metadata.google.internal/computeMetadata/v1', /not allowed/],
      ['a javascript: URL', 'javascript:alert(1)', /http or https/],
      ['a file: URL', 'file:///etc/passwd', /http or https/],
      ['a URL over 2048 characters', `https://example.com/${'a'.repeat(2048)}`, /at most 2048 characters/],
    ])('rejects %s at load, naming the path', (_label, url, rule) => {
      const issues = issuesAfter((d) => (d.providers.openai.base_url = url));
      expect(issues).toHaveLength(1);
      expect(issues[0].path).toBe('providers.openai.base_url');
      expect(issues[0].rule).toMatch(rule);
    });

    it.each([
      ['http://localhost:11434', 'http://localhost:11434'],
      ['http://10.0.0.5:8000/v1', 'http://10.0.0.5:8000/v1'],
      ['http://ollama:11434/', 'http://ollama:11434'],
      ['https://API.OpenAI.com:443/v1//', 'https://api.openai.com/v1'],
      // An empty query or fragment is no query, but kept verbatim it would swallow the `/models` probes append.
      ['https://api.openai.com/v1?', 'https://api.openai.com/v1'],
      ['https://api.openai.com/v1#', 'https://api.openai.com/v1'],
    ])('accepts %s as %s (self-hosted servers on private addresses stay possible)', (url, baseUrl) => {
      const doc = validDoc();
      doc.providers.openai.base_url = url;
      expect(parseCatalog(stringify(doc), FILE).providers.get('openai')!.baseUrl).toBe(baseUrl);
    });
  });

  describe('model ids, names and sizes', () => {
    it.each([
      'gpt-4o-mini-2024-07-18',
      'openai/gpt-4o:free',
      'llama3.2:3b-instruct-q4_K_M',
      'claude-3-5-sonnet@20240620',
      'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
      'accounts/fireworks/models/llama-v3p1-70b-instruct',
      '/models/llama',
      '~anthropic/claude-sonnet-latest',
      'x',
      'm'.repeat(200),
    ])('accepts the model id %s', (id) => {
      const doc = validDoc();
      doc.providers.anthropic.text_models[0].id = id;
      doc.fallback_chain.text[0].model = id;
      doc.operations.tagging.model = id;
      expect(parseCatalog(stringify(doc), FILE).providers.get('anthropic')!.textModels[0].id).toBe(id);
    });

    const ID_RULE = 'must be 1-200 characters of A-Z a-z 0-9 and . _ : / @ + ~ -';
    it.each<[string, unknown, string]>([
      ['empty', '', ID_RULE],
      ['201 characters', 'm'.repeat(201), ID_RULE],
      ['a megabyte', 'm'.repeat(1 << 20), ID_RULE],
      ['a space', 'gpt 4o', ID_RULE],
      ['a NUL', 'gpt-4o\u0000', ID_RULE],
      ['a newline', 'gpt-4o\nINFO forged', ID_RULE],
      ['an emoji', 'gpt-😀', ID_RULE],
      ['a quote', 'gpt-"4o"', ID_RULE],
      ['a number', 42, ID_RULE],
      [
        'a pasted key',
        'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx',
        'looks like an API key (known vendor prefix); secrets belong in the credentials API',
      ],
    ])('rejects a model id with %s', (_label, id, rule) => {
      expect(issuesAfter((d) => (d.providers.openai.embedding_models[0].id = id))).toContainEqual({
        path: 'providers.openai.embedding_models[0].id',
        rule,
      });
    });

    it.each<[string, string, string]>([
      ['a NUL', 'GPT\u00004o', 'contains a control character (U+0000) at index 3'],
      ['a newline', 'GPT-4o\n', 'contains a control character (U+000A) at index 6'],
      ['a lone surrogate', 'GPT \uD83D', 'contains an unpaired UTF-16 surrogate (U+D83D) at index 4, which is not valid Unicode'],
      ['201 characters', 'n'.repeat(201), 'must be at most 200 characters'],
      ['only spaces', '   ', 'must be a non-empty string'],
      ['a bearer token', 'Bearer abc123def456ghi789jkl', 'looks like a bearer token; secrets belong in the credentials API'],
    ])('rejects a model name with %s', (_label, name, rule) => {
      expect(issuesAfter((d) => (d.providers.openai.text_models[0].name = name))).toEqual([
        { path: 'providers.openai.text_models[0].name', rule },
      ]);
    });

    it('accepts a model name with non-ASCII letters and emoji', () => {
      const doc = validDoc();
      doc.providers.openai.text_models[0].name = 'GPT-4o — 通义 😀';
      expect(parseCatalog(stringify(doc), FILE).providers.get('openai')!.textModels[0].name).toBe('GPT-4o — 通义 😀');
    });

    it.each<[string, string, string]>([
      ['a NUL written as a YAML escape', '"Open\\0AI"', 'contains a control character (U+0000) at index 4'],
      ['a newline written as a YAML escape', '"Open\\nAI"', 'contains a control character (U+000A) at index 4'],
      [
        'a lone surrogate written as a YAML escape',
        '"Open\\uD800AI"',
        'contains an unpaired UTF-16 surrogate (U+D800) at index 4, which is not valid Unicode',
      ],
      ['256 characters', 'd'.repeat(256), 'must be at most 255 characters'],
    ])('rejects a display_name with %s', (_label, yamlValue, rule) => {
      const text = stringify(validDoc()).replace('display_name: OpenAI', `display_name: ${yamlValue}`);
      expect(issuesOf(text)).toEqual([{ path: 'providers.openai.display_name', rule }]);
    });

    it('accepts a 255-character display name', () => {
      const doc = validDoc();
      doc.providers.openai.display_name = 'd'.repeat(255);
      expect(parseCatalog(stringify(doc), FILE).providers.get('openai')!.displayName).toHaveLength(255);
    });

    it('bounds context lengths and dimensions to a 32-bit integer', () => {
      expect(
        issuesAfter((d) => {
          d.providers.openai.text_models[0].context_length = 2 ** 31;
          d.providers.openai.embedding_models[0].dimensions = 1e21;
        }),
      ).toEqual([
        { path: 'providers.openai.text_models[0].context_length', rule: 'must be at most 2147483647' },
        { path: 'providers.openai.embedding_models[0].dimensions', rule: 'must be at most 2147483647' },
      ]);
      const doc = validDoc();
      doc.providers.openai.text_models[0].context_length = 2 ** 31 - 1;
      expect(parseCatalog(stringify(doc), FILE).providers.get('openai')!.textModels[0].contextLength).toBe(2 ** 31 - 1);
    });
  });

  it('bounds the lengths of model lists and required_config', () => {
    const models = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `m${i}`, name: `M ${i}`, context_length: 1 }));
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `KEY_${i}`);
    expect(
      issuesAfter((d) => {
        d.providers.anthropic.text_models = models(501);
        d.providers.anthropic.text_models[0].id = 'claude-haiku-4-5';
        d.providers.openai.required_config = keys(51);
      }),
    ).toEqual([
      { path: 'providers.openai.required_config', rule: 'must list at most 50 keys' },
      { path: 'providers.anthropic.text_models', rule: 'must list at most 500 text models' },
    ]);
    const doc = validDoc();
    doc.providers.anthropic.text_models = models(500);
    doc.providers.anthropic.text_models[0].id = 'claude-haiku-4-5';
    doc.providers.openai.required_config = keys(50);
    const catalog = parseCatalog(stringify(doc), FILE);
    expect(catalog.providers.get('anthropic')!.textModels).toHaveLength(500);
    expect(catalog.providers.get('openai')!.requiredConfig).toHaveLength(50);
  });

  it('reports an empty provider entry once, without calling references to it unknown', () => {
    expect(issuesAfter((d) => (d.providers.anthropic = null))).toEqual([
      { path: 'providers.anthropic', rule: 'must be a mapping with display_name, probe, base_url, …' },
    ]);
  });

  it('rejects a provider that offers no models at all', () => {
    const doc = validDoc();
    doc.providers.empty = { ...doc.providers.anthropic, text_models: [] };
    expect(issuesOf(stringify(doc))).toEqual([{ path: 'providers.empty', rule: 'must offer at least one text or embedding model' }]);
  });

  it('rejects a document that is not a mapping', () => {
    expect(issuesOf('')).toEqual([
      {
        path: '',
        rule: 'the catalog must be a YAML mapping with providers, defaults, fallback_chain, operations, precedence_weights (got an empty document)',
      },
    ]);
    expect(issuesOf('- openai\n')[0].rule).toMatch(/\(got a list\)$/);
  });

  it('reports YAML syntax errors with line and column', () => {
    const issues = issuesOf('providers:\n  openai: { display_name: OpenAI\ndefaults: {}\n');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0].path).toMatch(/^line \d+, column \d+$/);
    expect(issues[0].rule).toMatch(/^YAML syntax error: /);
  });

  it('treats a repeated YAML key as an error instead of silently keeping the last one', () => {
    const text = stringify(validDoc()) + 'defaults:\n  text: { provider: openai, model: gpt-4o }\n';
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0].rule).toBe('YAML syntax error: Map keys must be unique');
    expect(issues[0].path).toMatch(/^line \d+, column 1$/);
  });

  it('reports an alias to an undefined anchor', () => {
    expect(issuesOf('providers: *nothing\n')).toEqual([{ path: '', rule: expect.stringMatching(/^YAML error: .*nothing/) }]);
  });

  it('collects every error in one CatalogError, schema and cross-field alike', () => {
    const doc = validDoc();
    doc.providers.openai.text_models[1].context_length = 0;
    doc.providers.openai.text_models.push({ id: 'gpt-4o', name: 'again', context_length: 1 });
    doc.providers.anthropic.probe = 'claude';
    doc.defaults.text.provider = 'nope';
    doc.operations.tagging.model = 'claude-9';
    doc.precedence_weights.fallback = 100;

    let thrown: unknown;
    try {
      parseCatalog(stringify(doc), FILE);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CatalogError);
    const error = thrown as CatalogError;
    expect(error.code).toBe('INVALID_CATALOG');
    expect(error.file).toBe(FILE);
    expect(error.issues).toEqual([
      { path: 'providers.openai.text_models[1].context_length', rule: 'must be a positive integer' },
      { path: 'providers.anthropic.probe', rule: 'must be one of openai, anthropic, ollama, openrouter, openai_compatible' },
      { path: 'providers.openai.text_models[2].id', rule: 'duplicate model id "gpt-4o"' },
      { path: 'defaults.text.provider', rule: 'unknown provider "nope" (known: anthropic, openai)' },
      { path: 'operations.tagging.model', rule: 'provider "anthropic" offers no text model "claude-9"' },
      {
        path: 'precedence_weights.fallback',
        rule: 'must differ from command_override (both 100): equal weights make the order ambiguous',
      },
    ]);
    expect(error.path).toBe('providers.openai.text_models[1].context_length');
    expect(error.rule).toBe('must be a positive integer');
    expect(error.message.split('\n')).toEqual(error.issues.map((i) => `${FILE}: ${i.path}: ${i.rule}`));
  });
});

describe('loadCatalog (file errors)', () => {
  it('names the missing file', () => {
    expect(() => loadCatalog('config/does-not-exist.yaml')).toThrow('config/does-not-exist.yaml: cannot read the catalog: file not found');
  });

  it('uses the given path as the file label in every message', () => {
    const error = (() => {
      try {
        loadCatalog(join(__dirname, '__fixtures__/invalid.yaml'));
      } catch (e) {
        return e as CatalogError;
      }
      throw new Error('expected the fixture to be rejected');
    })();
    expect(error.file).toBe(join(__dirname, '__fixtures__/invalid.yaml'));
    expect(error.issues).toEqual([
      { path: 'providers.openai.text_models[0].context_length', rule: 'must be a positive integer' },
      { path: 'providers.openai.text_models[1].id', rule: 'duplicate model id "gpt-4o"' },
    ]);
    expect(error.message).toBe(
      [
        `${error.file}: providers.openai.text_models[0].context_length: must be a positive integer`,
        `${error.file}: providers.openai.text_models[1].id: duplicate model id "gpt-4o"`,
      ].join('\n'),
    );
  });
});
