import { childPath } from './catalog-path';
import { CatalogIssue } from './catalog.errors';
import { CatalogSchema, ModelRefSchema, ProviderSchema } from './catalog.schema';
import { slugProblem } from './catalog-values';
import { ModelType, PRECEDENCE_SOURCES } from './catalog.types';

/*
 * Rules class-validator cannot express because they span fields: map keys, uniqueness, and references
 * from defaults / fallback chains / operations into the providers' model lists. They run on the same
 * transformed document as class-validator, even when it found problems, so one run reports everything;
 * hence every access below is defensive and a rule stays silent where class-validator already spoke.
 */

export function crossFieldIssues(doc: CatalogSchema): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  // Without a well-formed providers mapping every reference would be reported as unknown: pure noise.
  const providers = doc.providers instanceof Map ? doc.providers : undefined;

  for (const [slug, provider] of providers ?? []) {
    const path = childPath('providers', slug);
    const badSlug = slugProblem(slug);
    if (badSlug) issues.push({ path, rule: `provider slug ${badSlug}` });
    if (!isRecord(provider)) continue;
    issues.push(...duplicateIds(provider.text_models, childPath(path, 'text_models')));
    issues.push(...duplicateIds(provider.embedding_models, childPath(path, 'embedding_models')));
    const text = listOrEmpty(provider.text_models);
    const embedding = listOrEmpty(provider.embedding_models);
    if (Array.isArray(text) && Array.isArray(embedding) && text.length + embedding.length === 0) {
      issues.push({ path, rule: 'must offer at least one text or embedding model' });
    }
  }

  const checkRef = (ref: unknown, type: ModelType, path: string) => {
    if (providers) issues.push(...referenceIssues(providers, ref, type, path));
  };

  if (isRecord(doc.defaults)) {
    checkRef(doc.defaults.text, 'text', 'defaults.text');
    checkRef(doc.defaults.embedding, 'embedding', 'defaults.embedding');
  }

  if (isRecord(doc.fallback_chain)) {
    for (const type of ['text', 'embedding'] as const) {
      const chain = doc.fallback_chain[type];
      if (!Array.isArray(chain)) continue;
      chain.forEach((ref, i) => checkRef(ref, type, childPath(childPath('fallback_chain', type), i)));
    }
  }

  if (doc.operations instanceof Map) {
    for (const [name, operation] of doc.operations) {
      const path = childPath('operations', name);
      const badName = slugProblem(name);
      if (badName) issues.push({ path, rule: `operation name ${badName}` });
      if (!isRecord(operation)) continue;
      const type = operation.model_type ?? 'text';
      if (type === 'text' || type === 'embedding') checkRef(operation, type, path);
    }
  }

  if (isRecord(doc.precedence_weights)) {
    const weights = doc.precedence_weights;
    const seen = new Map<number, string>();
    for (const key of PRECEDENCE_SOURCES) {
      const weight = weights[key];
      if (!Number.isInteger(weight)) continue;
      const other = seen.get(weight);
      if (other !== undefined) {
        issues.push({
          path: childPath('precedence_weights', key),
          rule: `must differ from ${other} (both ${weight}): equal weights make the order ambiguous`,
        });
      } else {
        seen.set(weight, key);
      }
    }
  }

  return issues;
}

function duplicateIds(models: unknown, path: string): CatalogIssue[] {
  if (!Array.isArray(models)) return [];
  const seen = new Set<string>();
  const issues: CatalogIssue[] = [];
  models.forEach((model, i) => {
    if (!isRecord(model) || typeof model.id !== 'string') return;
    if (seen.has(model.id)) {
      issues.push({ path: childPath(childPath(path, i), 'id'), rule: `duplicate model id ${JSON.stringify(model.id)}` });
    }
    seen.add(model.id);
  });
  return issues;
}

function referenceIssues(providers: ReadonlyMap<string, ProviderSchema>, ref: unknown, type: ModelType, path: string): CatalogIssue[] {
  if (!isRecord(ref)) return [];
  const { provider: slug, model } = ref as Partial<ModelRefSchema>;
  if (typeof slug !== 'string' || slug === '') return [];
  if (!providers.has(slug)) {
    const known = [...providers.keys()].sort().join(', ') || 'none';
    return [{ path: childPath(path, 'provider'), rule: `unknown provider ${JSON.stringify(slug)} (known: ${known})` }];
  }
  const provider = providers.get(slug);
  // A broken provider entry (e.g. `anthropic:` left empty) was already reported; it is known, just unusable.
  if (typeof model !== 'string' || model === '' || !isRecord(provider)) return [];
  const own = idsOf(type === 'text' ? provider.text_models : provider.embedding_models);
  // A malformed model list was already reported; judging references against it would only add noise.
  if (own === undefined || own.includes(model)) return [];
  const other = idsOf(type === 'text' ? provider.embedding_models : provider.text_models);
  const hint = other?.includes(model) ? ` (it is ${type === 'text' ? 'an embedding' : 'a text'} model)` : '';
  return [
    {
      path: childPath(path, 'model'),
      rule: `provider ${JSON.stringify(slug)} offers no ${type} model ${JSON.stringify(model)}${hint}`,
    },
  ];
}

/** Model ids of a list; [] when omitted; undefined when the list itself is malformed. */
function idsOf(models: unknown): string[] | undefined {
  if (models === undefined || models === null) return [];
  if (!Array.isArray(models) || !models.every((m) => isRecord(m) && typeof m.id === 'string')) return undefined;
  return models.map((m: Record<string, unknown>) => m.id as string);
}

/** Omitted (undefined/null) lists count as empty; anything else is passed through for the caller to judge. */
function listOrEmpty(value: unknown): unknown {
  return value === undefined || value === null ? [] : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
