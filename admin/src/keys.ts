import type { ConsumerKeyStatus, FieldError, ModelType, Provider } from './api/types';

/** Pure wording and shapes for the Keys page: the gateway's consumer keys. */

/** `sk-reg-AbCdE…`: the stored prefix, marked as the start of a longer key. */
export function shownPrefix(prefix: string): string {
  return `${prefix}…`;
}

export function modelsInWords(models: readonly string[] | null): string {
  if (models === null) return 'every model';
  return models.join(', ');
}

export const STATUS_WORDS: Record<ConsumerKeyStatus, string> = {
  active: 'active',
  expired: 'expired',
  revoked: 'revoked',
};

/** A model the registry knows, as a key's models entry (`provider/model`). */
export interface KnownModel {
  entry: string;
  provider: string;
  providerName: string;
  model: string;
  name: string;
  type: ModelType;
}

/**
 * Every model of the providers' catalog capabilities, as `provider/model` entries (the model is
 * everything after the first `/`, so OpenRouter's `openai/gpt-4o` is `openrouter/openai/gpt-4o`),
 * in the API's provider order, text models before embedding models; each entry once.
 */
export function knownModelsOf(providers: readonly Provider[]): KnownModel[] {
  const seen = new Set<string>();
  const models: KnownModel[] = [];
  for (const p of providers) {
    const lists: Array<[ModelType, Array<{ id: string; name: string }> | undefined]> = [
      ['text', p.capabilities.textModels],
      ['embedding', p.capabilities.embeddingModels],
    ];
    for (const [type, list] of lists) {
      for (const m of list ?? []) {
        const entry = `${p.provider}/${m.id}`;
        if (seen.has(entry)) continue;
        seen.add(entry);
        models.push({ entry, provider: p.provider, providerName: p.displayName, model: m.id, name: m.name, type });
      }
    }
  }
  return models;
}

/** The known models whose entry or name contains every word typed (any case). */
export function filterModels(models: readonly KnownModel[], typed: string): KnownModel[] {
  const words = typed.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...models];
  return models.filter((m) => {
    const text = `${m.entry} ${m.name} ${m.providerName}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The models grouped by provider, in the order they came. */
export function groupByProvider(models: readonly KnownModel[]): Array<{ provider: string; providerName: string; models: KnownModel[] }> {
  const groups = new Map<string, { provider: string; providerName: string; models: KnownModel[] }>();
  for (const m of models) {
    const group = groups.get(m.provider) ?? { provider: m.provider, providerName: m.providerName, models: [] };
    group.models.push(m);
    groups.set(m.provider, group);
  }
  return [...groups.values()];
}

/** A date input's `YYYY-MM-DD` as the start of that day in UTC; empty: never (null). */
export function expiryOf(day: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T00:00:00.000Z` : day.trim() === '' ? null : day;
}

export type KeyFormField = 'name' | 'models' | 'expiresAt';

/**
 * Which form field each of the API's field errors is about (`models`, `models.0` and `models[0]` are
 * the models list); anything else is the form's as a whole.
 */
export function errorsByField(errors: readonly FieldError[]): { fields: Partial<Record<KeyFormField, string>>; general: string[] } {
  const fields: Partial<Record<KeyFormField, string>> = {};
  const general: string[] = [];
  for (const e of errors) {
    const field = /^models\b/.test(e.field) ? 'models' : e.field === 'name' || e.field === 'expiresAt' ? e.field : null;
    if (field) fields[field] = fields[field] ? `${fields[field]}; ${e.message}` : e.message;
    else general.push(e.message);
  }
  return { fields, general };
}

/** A single-quoted JavaScript string literal of `text`. */
function jsString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The official openai package (Node) against this server's gateway, the key read from the
 * environment (the page shows the key itself once, in its own field). A key limited to models calls
 * the first of them: chat for a text model or one the catalog does not list, embeddings for an
 * embedding model; an unlimited key calls `auto`.
 */
export function clientSnippet(origin: string, models: readonly string[] | null, known: readonly KnownModel[] = []): string {
  const baseURL = `${origin.replace(/\/+$/, '')}/v1`;
  const model = jsString(models === null ? 'auto' : (models[0] ?? 'auto'));
  const embedding = models !== null && known.find((m) => m.entry === models[0])?.type === 'embedding';
  return [
    "import OpenAI from 'openai';",
    '',
    '// REGISTRY_API_KEY: the key shown above, from where you stored it.',
    'const client = new OpenAI({',
    `  baseURL: ${jsString(baseURL)},`,
    '  apiKey: process.env.REGISTRY_API_KEY,',
    '});',
    ...(embedding
      ? [
          `const answer = await client.embeddings.create({ model: ${model}, input: 'Say hello' });`,
          'console.log(answer.data[0].embedding.length);',
        ]
      : [
          'const answer = await client.chat.completions.create({',
          `  model: ${model},`,
          "  messages: [{ role: 'user', content: 'Say hello' }],",
          '});',
          'console.log(answer.choices[0].message.content);',
        ]),
  ].join('\n');
}
