import { capabilitiesFromCatalog } from '../catalog/provider-capabilities';
import { loadCatalog } from '../catalog/load-catalog';
import { InvalidInputError } from '../kernel/registry.errors';
import { assertCapabilities } from './capabilities.rules';
import { join } from 'node:path';

function valid(): any {
  return {
    probe: 'openai_compatible',
    baseUrl: 'http://10.0.0.5:8000/v1',
    requiresApiKey: false,
    requiredConfig: ['VLLM_BASE_URL'],
    textModels: [
      { id: 'meta-llama/Llama-3.1-8B-Instruct', name: 'Llama 3.1 8B', contextLength: 131072 },
      { id: 'qwen2.5:7b-instruct-q4_K_M', name: 'Qwen 2.5 7B', contextLength: 32768 },
    ],
    embeddingModels: [{ id: 'BAAI/bge-m3', name: 'BGE M3', dimensions: 1024 }],
  };
}

function failure(change: (c: any) => void): InvalidInputError {
  const capabilities = valid();
  change(capabilities);
  try {
    assertCapabilities(capabilities);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected the capabilities to be rejected');
}

const SECRET = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123';

describe(assertCapabilities.name, () => {
  it('accepts capabilities of the shape sync writes, and returns them rebuilt', () => {
    const input = valid();
    const result = assertCapabilities(input);
    expect(result).toEqual(input);
    expect(result).not.toBe(input);
    expect(result.textModels[0]).not.toBe(input.textModels[0]);
  });

  it('accepts what capabilitiesFromCatalog builds for every shipped provider', () => {
    const catalog = loadCatalog(join(__dirname, '../../../config/providers.yaml'));
    for (const entry of catalog.providers.values()) {
      const capabilities = capabilitiesFromCatalog(entry);
      expect(assertCapabilities(capabilities)).toEqual(capabilities);
    }
  });

  it('returns the base URL in its normal form and required config sorted, as the catalog stores them', () => {
    const input = valid();
    input.baseUrl = 'http://10.0.0.5:8000/v1/?';
    input.requiredConfig = ['B_KEY', 'A_KEY'];
    expect(assertCapabilities(input)).toMatchObject({ baseUrl: 'http://10.0.0.5:8000/v1', requiredConfig: ['A_KEY', 'B_KEY'] });
  });

  it('accepts a null-prototype object, models of one type only, and the bounds exactly', () => {
    const input = Object.assign(Object.create(null), valid());
    input.embeddingModels = [];
    input.textModels = Array.from({ length: 500 }, (_, i) => ({ id: `m${i}`, name: 'n'.repeat(200), contextLength: 2 ** 31 - 1 }));
    input.textModels[0].id = 'x'.repeat(200);
    input.requiredConfig = Array.from({ length: 50 }, (_, i) => `K${String(i).padStart(2, '0')}`);
    expect(assertCapabilities(input).textModels).toHaveLength(500);
  });

  it.each<[string, (c: any) => void, string, string]>([
    // unknown keys, at every level (a `sk-…` value under an unknown key was stored in clear)
    [
      'an unknown top-level key',
      (c) => (c.apiKey = SECRET),
      'capabilities.apiKey',
      'is not a known property (known: probe, baseUrl, requiresApiKey, requiredConfig, textModels, embeddingModels)',
    ],
    [
      'an unknown model key',
      (c) => (c.textModels[1].token = SECRET),
      'capabilities.textModels[1].token',
      'is not a known property (known: id, name, contextLength)',
    ],
    [
      'a size key of the other type',
      (c) => (c.embeddingModels[0].contextLength = 8),
      'capabilities.embeddingModels[0].contextLength',
      'is not a known property (known: id, name, dimensions)',
    ],
    [
      'a secret as a key',
      (c) => (c[SECRET] = true),
      'capabilities[<redacted key>]',
      'is not a known property (known: probe, baseUrl, requiresApiKey, requiredConfig, textModels, embeddingModels)',
    ],
    [
      'a long odd key',
      (c) => (c[`x\n${'y'.repeat(1000)}`] = 1),
      `capabilities["x\\n${'y'.repeat(62)}"…]`,
      'is not a known property (known: probe, baseUrl, requiresApiKey, requiredConfig, textModels, embeddingModels)',
    ],
    [
      'a __proto__ key',
      (c) => Object.defineProperty(c, '__proto__', { value: {}, enumerable: true }),
      'capabilities.__proto__',
      'is not a known property (known: probe, baseUrl, requiresApiKey, requiredConfig, textModels, embeddingModels)',
    ],
    // shape
    [
      'a missing probe',
      (c) => delete c.probe,
      'capabilities.probe',
      'must be one of openai, anthropic, ollama, openrouter, openai_compatible',
    ],
    [
      'an unknown probe',
      (c) => (c.probe = 'gemini'),
      'capabilities.probe',
      'must be one of openai, anthropic, ollama, openrouter, openai_compatible',
    ],
    ['requiresApiKey as a string', (c) => (c.requiresApiKey = 'false'), 'capabilities.requiresApiKey', 'must be true or false'],
    ['requiredConfig not a list', (c) => (c.requiredConfig = 'A'), 'capabilities.requiredConfig', 'must be a list of keys'],
    [
      'a bad requiredConfig key',
      (c) => (c.requiredConfig = ['OK', 'not_upper']),
      'capabilities.requiredConfig[1]',
      'must match ^[A-Z][A-Z0-9_]{0,99}$',
    ],
    [
      'a 101-character requiredConfig key',
      (c) => (c.requiredConfig = ['K'.repeat(101)]),
      'capabilities.requiredConfig[0]',
      'must match ^[A-Z][A-Z0-9_]{0,99}$',
    ],
    ['a repeated requiredConfig key', (c) => (c.requiredConfig = ['A', 'A']), 'capabilities.requiredConfig[1]', 'repeats an earlier key'],
    [
      '51 requiredConfig keys',
      (c) => (c.requiredConfig = Array.from({ length: 51 }, (_, i) => `K${i}`)),
      'capabilities.requiredConfig',
      'must list at most 50 keys',
    ],
    ['textModels missing', (c) => delete c.textModels, 'capabilities.textModels', 'must be a list of text models'],
    [
      '501 embedding models',
      (c) => (c.embeddingModels = Array.from({ length: 501 }, (_, i) => ({ id: `e${i}`, name: 'E', dimensions: 1 }))),
      'capabilities.embeddingModels',
      'must list at most 500 embedding models',
    ],
    ['a model that is a string', (c) => (c.textModels[0] = 'gpt-4o'), 'capabilities.textModels[0]', 'must be an object'],
    ['a model that is an array', (c) => (c.textModels[0] = ['gpt-4o']), 'capabilities.textModels[0]', 'must be an object'],
    // eslint-disable-next-line no-sparse-arrays -- a hole is the input under test
    ['a hole in a model list', (c) => (c.textModels = [, c.textModels[1]]), 'capabilities.textModels[0]', 'must be an object'],
    [
      'a model that is a class instance',
      (c) =>
        (c.textModels[0] = new (class Model {
          id = 'x';
          name = 'x';
          contextLength = 1;
        })()),
      'capabilities.textModels[0]',
      'must be an object',
    ],
    [
      'no models at all',
      (c) => ((c.textModels = []), (c.embeddingModels = [])),
      'capabilities',
      'must offer at least one text or embedding model',
    ],
    // model ids: the catalog's rule
    [
      'a 1 MB model id',
      (c) => (c.textModels[0].id = 'm'.repeat(1 << 20)),
      'capabilities.textModels[0].id',
      'must be 1-200 characters of A-Z a-z 0-9 and . _ : / @ + ~ -',
    ],
    [
      'a 201-character model id',
      (c) => (c.textModels[0].id = 'm'.repeat(201)),
      'capabilities.textModels[0].id',
      'must be 1-200 characters of A-Z a-z 0-9 and . _ : / @ + ~ -',
    ],
    [
      'a model id with a NUL',
      (c) => (c.textModels[0].id = 'gpt\u0000'),
      'capabilities.textModels[0].id',
      'must be 1-200 characters of A-Z a-z 0-9 and . _ : / @ + ~ -',
    ],
    [
      'a model id with a space',
      (c) => (c.textModels[0].id = 'gpt 4o'),
      'capabilities.textModels[0].id',
      'must be 1-200 characters of A-Z a-z 0-9 and . _ : / @ + ~ -',
    ],
    [
      'an empty model id',
      (c) => (c.embeddingModels[0].id = ''),
      'capabilities.embeddingModels[0].id',
      'must be 1-200 characters of A-Z a-z 0-9 and . _ : / @ + ~ -',
    ],
    [
      'a numeric model id',
      (c) => (c.embeddingModels[0].id = 7),
      'capabilities.embeddingModels[0].id',
      'must be 1-200 characters of A-Z a-z 0-9 and . _ : / @ + ~ -',
    ],
    [
      'a duplicate model id',
      (c) => (c.textModels[1].id = c.textModels[0].id),
      'capabilities.textModels[1].id',
      'repeats the id of capabilities.textModels[0]',
    ],
    [
      'a model id that is a key',
      (c) => (c.textModels[0].id = SECRET),
      'capabilities.textModels[0].id',
      'looks like an API key (known vendor prefix); secrets belong in the credentials API',
    ],
    // names and sizes
    ['an empty model name', (c) => (c.textModels[0].name = ' '), 'capabilities.textModels[0].name', 'must be a non-empty string'],
    [
      'a 201-character model name',
      (c) => (c.textModels[0].name = 'n'.repeat(201)),
      'capabilities.textModels[0].name',
      'must be at most 200 characters',
    ],
    [
      'a model name with a newline',
      (c) => (c.textModels[0].name = 'a\nb'),
      'capabilities.textModels[0].name',
      'contains a control character (U+000A) at index 1',
    ],
    [
      'a model name with a lone surrogate',
      (c) => (c.textModels[0].name = '\uDC00'),
      'capabilities.textModels[0].name',
      'contains an unpaired UTF-16 surrogate (U+DC00) at index 0, which is not valid Unicode',
    ],
    [
      'a model name that is a JWT',
      (c) => (c.textModels[0].name = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz'),
      'capabilities.textModels[0].name',
      'looks like a JWT; secrets belong in the credentials API',
    ],
    [
      'a zero context length',
      (c) => (c.textModels[0].contextLength = 0),
      'capabilities.textModels[0].contextLength',
      'must be a positive integer',
    ],
    [
      'a fractional dimension',
      (c) => (c.embeddingModels[0].dimensions = 1.5),
      'capabilities.embeddingModels[0].dimensions',
      'must be a positive integer',
    ],
    [
      'a context length past 32 bits',
      (c) => (c.textModels[0].contextLength = 2 ** 31),
      'capabilities.textModels[0].contextLength',
      'must be at most 2147483647',
    ],
    // base URL: the shared policy
    [
      'a base URL with a query',
      (c) => (c.baseUrl = 'http://10.0.0.5:8000/v1?key=x'),
      'capabilities.baseUrl',
      'base URL must not have a query string or fragment',
    ],
    [
      'a metadata base URL',
      (c) => (c.baseUrl = 'http://169.254.169.254/'),
      'capabilities.baseUrl',
      'base URL host 169.254.169.254 is not allowed: link-local / cloud metadata address',
    ],
    ['a non-string base URL', (c) => (c.baseUrl = 8000), 'capabilities.baseUrl', 'must be an http:// or https:// URL'],
    [
      'a 2049-character base URL',
      (c) => (c.baseUrl = `http://h/${'p'.repeat(2040)}`),
      'capabilities.baseUrl',
      'must be at most 2048 characters',
    ],
    [
      'a key in the base URL path',
      (c) => (c.baseUrl = `https://gw.example.com/${SECRET}/v1`),
      'capabilities.baseUrl',
      'looks like an API key (known vendor prefix); secrets belong in the credentials API',
    ],
  ])('rejects %s', (_label, change, field, rule) => {
    const error = failure(change);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field, rule });
    expect(error.message).not.toContain('AbCdEfGh');
    expect(error.message.length).toBeLessThan(400);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['an array', [valid()]],
    ['a string', JSON.stringify(valid())],
    ['a Map', new Map(Object.entries(valid()))],
  ])('rejects %s at the top', (_, value) => {
    expect(() => assertCapabilities(value)).toThrow(new InvalidInputError('capabilities', 'must be an object'));
  });

  it('rejects symbol keys', () => {
    expect(failure((c) => (c[Symbol('x')] = 1))).toMatchObject({ field: 'capabilities', rule: 'must not have symbol keys' });
  });
});
