import type { Provider } from '../../../admin/src/api/types';
import {
  clientSnippet,
  errorsByField,
  expiryOf,
  filterModels,
  groupByProvider,
  knownModelsOf,
  modelsInWords,
  shownPrefix,
} from '../../../admin/src/keys';

const provider = (slug: string, displayName: string, text: string[], embedding: string[] = []): Provider =>
  ({
    provider: slug,
    displayName,
    capabilities: {
      textModels: text.map((id) => ({ id, name: id.toUpperCase() })),
      embeddingModels: embedding.map((id) => ({ id, name: id.toUpperCase() })),
    },
  }) as Provider;

describe('admin console keys', () => {
  const providers = [
    provider('openai', 'OpenAI', ['gpt-4o-mini', 'gpt-4o'], ['text-embedding-3-small']),
    provider('openrouter', 'OpenRouter', ['openai/gpt-4o', 'meta-llama/llama-3.1-70b-instruct']),
    provider('ollama', 'Ollama', []),
  ];

  it('shows a key by its prefix, marked as the start of a longer key, and its models in words', () => {
    expect(shownPrefix('sk-reg-AbCdE')).toBe('sk-reg-AbCdE…');
    expect(modelsInWords(null)).toBe('every model');
    expect(modelsInWords(['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'])).toBe('openai/gpt-4o-mini, anthropic/claude-haiku-4-5');
  });

  it("offers every catalog model as provider/model (the model after the first slash), in the API's provider order", () => {
    const known = knownModelsOf(providers);
    expect(known.map((m) => m.entry)).toEqual([
      'openai/gpt-4o-mini',
      'openai/gpt-4o',
      'openai/text-embedding-3-small',
      'openrouter/openai/gpt-4o',
      'openrouter/meta-llama/llama-3.1-70b-instruct',
    ]);
    expect(known[2]).toMatchObject({ provider: 'openai', model: 'text-embedding-3-small', type: 'embedding' });
    expect(known[3]).toMatchObject({ provider: 'openrouter', model: 'openai/gpt-4o', providerName: 'OpenRouter', type: 'text' });
    // A provider listed twice (a page boundary moved under a poll) adds nothing twice.
    expect(knownModelsOf([...providers, providers[0]])).toHaveLength(5);
  });

  it('filters by every word typed, in the entry, the model name or the provider name, and groups by provider', () => {
    const known = knownModelsOf(providers);
    expect(filterModels(known, '  ').length).toBe(5);
    expect(filterModels(known, 'GPT-4O').map((m) => m.entry)).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4o', 'openrouter/openai/gpt-4o']);
    expect(filterModels(known, 'router gpt').map((m) => m.entry)).toEqual(['openrouter/openai/gpt-4o']);
    expect(filterModels(known, 'nothing-like-it')).toEqual([]);
    const groups = groupByProvider(filterModels(known, 'gpt-4o'));
    expect(groups.map((g) => [g.provider, g.providerName, g.models.length])).toEqual([
      ['openai', 'OpenAI', 2],
      ['openrouter', 'OpenRouter', 1],
    ]);
  });

  it('sends a chosen day as the start of that day in UTC, nothing for an empty field, anything else as typed', () => {
    expect(expiryOf('2030-01-01')).toBe('2030-01-01T00:00:00.000Z');
    expect(expiryOf('')).toBeNull();
    expect(expiryOf('soon')).toBe('soon');
  });

  it("puts each of the API's field errors at its field; the rest belongs to the form", () => {
    expect(
      errorsByField([
        { field: 'name', rule: 'x', message: 'name: must be 1-100 of a-z' },
        { field: 'models', rule: 'x', message: 'models: entry 2 must be provider/model' },
        { field: 'models.0', rule: 'x', message: 'models must hold only provider/model strings' },
        { field: 'expiresAt', rule: 'x', message: 'expiresAt: must be in the future' },
        { field: 'colour', rule: 'x', message: 'property colour should not exist' },
        { field: 'modelsExtra', rule: 'x', message: 'property modelsExtra should not exist' },
      ]),
    ).toEqual({
      fields: {
        name: 'name: must be 1-100 of a-z',
        models: 'models: entry 2 must be provider/model; models must hold only provider/model strings',
        expiresAt: 'expiresAt: must be in the future',
      },
      general: ['property colour should not exist', 'property modelsExtra should not exist'],
    });
  });

  it("writes the openai client's snippet for this server's /v1, the key from the environment, never in the text", () => {
    const known = knownModelsOf(providers);
    const every = clientSnippet('http://127.0.0.1:3000', null, known);
    expect(every).toBe(
      [
        "import OpenAI from 'openai';",
        '',
        '// REGISTRY_API_KEY: the key shown above, from where you stored it.',
        'const client = new OpenAI({',
        "  baseURL: 'http://127.0.0.1:3000/v1',",
        '  apiKey: process.env.REGISTRY_API_KEY,',
        '});',
        'const answer = await client.chat.completions.create({',
        "  model: 'auto',",
        "  messages: [{ role: 'user', content: 'Say hello' }],",
        '});',
        'console.log(answer.choices[0].message.content);',
      ].join('\n'),
    );
    expect(clientSnippet('https://registry.example.com/', ['openrouter/openai/gpt-4o'], known)).toContain(
      "baseURL: 'https://registry.example.com/v1'",
    );
    expect(clientSnippet('https://r.example', ['openrouter/openai/gpt-4o'], known)).toContain("  model: 'openrouter/openai/gpt-4o',");
    const embedding = clientSnippet('https://r.example', ['openai/text-embedding-3-small', 'openai/gpt-4o'], known);
    expect(embedding).toContain("client.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'Say hello' })");
    // A model typed by hand is quoted safely and called as chat.
    expect(clientSnippet('https://r.example', ["acme/it's\\here"], known)).toContain("  model: 'acme/it\\'s\\\\here',");
  });
});
