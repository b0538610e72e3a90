import { quoteInput } from '../../common/json-guard/text-rules';
import { secretValueKind } from '../../common/json-guard/secret-like';
import { baseUrlProblem, modelIdProblem, modelSizeProblem, nameProblem, secretProblem, VALUE_LIMITS } from '../catalog/catalog-values';
import { CONFIG_KEY_PATTERN, EmbeddingModel, PROBE_KINDS, ProbeKind, TextModel } from '../catalog/catalog.types';
import type { ProviderCapabilities } from '../catalog/provider-capabilities';
import { validateBaseUrl } from '../egress/base-url.policy';
import { InvalidInputError } from '../kernel/registry.errors';

/*
 * An operator's capabilities override must have exactly the shape the catalog sync writes and obey
 * the catalog's value rules (catalog-values.ts): selection reads it as if the catalog had said it, and
 * it is stored in clear, so nothing unknown (an `apiKey: sk-…` next to the real fields) gets in.
 */

const CAPABILITY_KEYS = ['probe', 'baseUrl', 'requiresApiKey', 'requiredConfig', 'textModels', 'embeddingModels'] as const;

/**
 * Validates an operator's capabilities and returns them rebuilt from the checked fields alone, with
 * the base URL in the policy's normal form: store the returned object, not the input.
 * @throws InvalidInputError naming the path (`capabilities.textModels[2].id`) and the rule, never a value.
 */
export function assertCapabilities(value: unknown): ProviderCapabilities {
  const input = plainObject(value, 'capabilities', CAPABILITY_KEYS);

  if (!PROBE_KINDS.includes(input.probe as ProbeKind)) {
    throw new InvalidInputError('capabilities.probe', `must be one of ${PROBE_KINDS.join(', ')}`);
  }
  const urlProblem = baseUrlProblem(input.baseUrl) ?? secretProblem(input.baseUrl as string);
  if (urlProblem) throw new InvalidInputError('capabilities.baseUrl', urlProblem);
  if (typeof input.requiresApiKey !== 'boolean') {
    throw new InvalidInputError('capabilities.requiresApiKey', 'must be true or false');
  }
  const requiredConfig = configKeys(input.requiredConfig, 'capabilities.requiredConfig');
  const textModels = models(input.textModels, 'capabilities.textModels', 'contextLength').map(({ id, name, size }): TextModel => ({
    id,
    name,
    contextLength: size,
  }));
  const embeddingModels = models(input.embeddingModels, 'capabilities.embeddingModels', 'dimensions').map(
    ({ id, name, size }): EmbeddingModel => ({ id, name, dimensions: size }),
  );
  if (textModels.length + embeddingModels.length === 0) {
    throw new InvalidInputError('capabilities', 'must offer at least one text or embedding model');
  }

  return {
    probe: input.probe as ProbeKind,
    // The policy's normal form, as the catalog stores it (no trailing slash, no empty `?` or `#`).
    baseUrl: validateBaseUrl(input.baseUrl as string),
    requiresApiKey: input.requiresApiKey,
    requiredConfig,
    textModels,
    embeddingModels,
  };
}

function configKeys(list: unknown, field: string): string[] {
  const items = boundedList(list, field, VALUE_LIMITS.requiredConfigKeys, 'keys');
  const seen = new Set<string>();
  items.forEach((key, i) => {
    if (typeof key !== 'string' || !CONFIG_KEY_PATTERN.test(key)) {
      throw new InvalidInputError(`${field}[${i}]`, `must match ${CONFIG_KEY_PATTERN.source}`);
    }
    if (seen.has(key)) throw new InvalidInputError(`${field}[${i}]`, 'repeats an earlier key');
    seen.add(key);
  });
  // A set, kept sorted like capabilitiesFromCatalog, so the same keys always compare equal.
  return [...(items as string[])].sort();
}

function models(list: unknown, field: string, sizeKey: 'contextLength' | 'dimensions'): Array<{ id: string; name: string; size: number }> {
  const what = sizeKey === 'contextLength' ? 'text models' : 'embedding models';
  const items = boundedList(list, field, VALUE_LIMITS.modelsPerType, what);
  const firstIndexOf = new Map<string, number>();
  return items.map((item, i) => {
    const at = `${field}[${i}]`;
    const model = plainObject(item, at, ['id', 'name', sizeKey]);
    const idProblem = modelIdProblem(model.id);
    if (idProblem) throw new InvalidInputError(`${at}.id`, idProblem);
    const id = model.id as string;
    const earlier = firstIndexOf.get(id);
    if (earlier !== undefined) throw new InvalidInputError(`${at}.id`, `repeats the id of ${field}[${earlier}]`);
    firstIndexOf.set(id, i);
    const badName = nameProblem(model.name, VALUE_LIMITS.modelNameChars);
    if (badName) throw new InvalidInputError(`${at}.name`, badName);
    const badSize = modelSizeProblem(model[sizeKey]);
    if (badSize) throw new InvalidInputError(`${at}.${sizeKey}`, badSize);
    return { id, name: model.name as string, size: model[sizeKey] as number };
  });
}

function boundedList(list: unknown, field: string, max: number, what: string): unknown[] {
  if (!Array.isArray(list)) throw new InvalidInputError(field, `must be a list of ${what}`);
  if (list.length > max) throw new InvalidInputError(field, `must list at most ${max} ${what}`);
  // Array.from turns holes into undefined, which the item rules then refuse.
  return Array.from(list as unknown[]);
}

/** A plain JSON object holding no key but `allowed`; the first unknown key is named (or redacted). */
function plainObject<K extends string>(value: unknown, field: string, allowed: readonly K[]): Record<K, unknown> {
  const prototype: unknown = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (Array.isArray(value) || (prototype !== Object.prototype && prototype !== null)) {
    throw new InvalidInputError(field, 'must be an object');
  }
  const object = value as Record<string, unknown>;
  if (Object.getOwnPropertySymbols(object).length > 0) throw new InvalidInputError(field, 'must not have symbol keys');
  for (const key of Object.keys(object)) {
    if (!(allowed as readonly string[]).includes(key)) {
      throw new InvalidInputError(keyPath(field, key), `is not a known property (known: ${allowed.join(', ')})`);
    }
  }
  return object as Record<K, unknown>;
}

/** Where an unknown key sits, without echoing a key that looks like a secret or is long or odd. */
function keyPath(field: string, key: string): string {
  if (secretValueKind(key)) return `${field}[<redacted key>]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(key) ? `${field}.${key}` : `${field}[${quoteInput(key)}]`;
}
