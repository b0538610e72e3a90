import { hash, randomBytes } from 'node:crypto';
import { ACCESS_NAME_RULE, isAccessName } from '../../common/access-name';
import { displayTextProblem } from '../../common/json-guard/text-rules';
import { secretProblem, slugProblem, VALUE_LIMITS } from '../catalog/catalog-values';
import { InvalidInputError } from '../kernel/registry.errors';
import type { AuthenticatedConsumer } from './consumer-key.types';

/*
 * The pure rules of consumer keys: their shape, their hash, their names and model lists, and whether
 * a key may call a model. No I/O, so the gateway's hot path and the tests use them as they are.
 */

export const CONSUMER_KEY_PREFIX = 'sk-reg-';
/** `sk-reg-` and 32 random bytes in base64url (256 bits: a plain SHA-256 keeps a leaked table useless). */
const CONSUMER_KEY_PATTERN = /^sk-reg-[A-Za-z0-9_-]{43}$/;
/** How much of a key lists show: the prefix and 5 random characters (30 bits of 256). */
export const DISPLAY_PREFIX_CHARS = 12;
/** A key limited to more models than this is better left unlimited. */
export const MAX_KEY_MODELS = 500;

export function generateConsumerKey(): string {
  return `${CONSUMER_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Whether `presented` has a consumer key's shape (checked before hashing: junk of any size costs nothing). */
export function looksLikeConsumerKey(presented: string): boolean {
  return CONSUMER_KEY_PATTERN.test(presented);
}

/** What is stored and looked up: the SHA-256 of the key, lowercase hex. */
export function hashConsumerKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function displayPrefixOf(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_CHARS);
}

/** The same rule as API tokens' names: the audit trail, logs and `<name|id>` arguments read them alike. */
export function assertConsumerKeyName(value: unknown, field = 'name'): string {
  if (!isAccessName(value)) throw new InvalidInputError(field, ACCESS_NAME_RULE);
  return value;
}

/**
 * Why one `provider/model` entry is refused, or undefined. The provider is everything before the
 * first `/` (a provider slug), the model everything after it, so `openrouter/openai/gpt-4o` is
 * OpenRouter's `openai/gpt-4o`. Never repeats the entry (it may be a pasted secret).
 */
export function modelEntryProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'string') return 'must be a string provider/model';
  const slash = entry.indexOf('/');
  if (slash < 0) return 'must be provider/model (e.g. openai/gpt-4o-mini)';
  const provider = entry.slice(0, slash);
  const model = entry.slice(slash + 1);
  const slug = slugProblem(provider);
  if (slug) return `must be provider/model: the provider ${slug}`;
  if (model.length === 0) return 'must be provider/model: the model is empty';
  if (model.length > VALUE_LIMITS.modelIdChars)
    return `must be provider/model: the model must be at most ${VALUE_LIMITS.modelIdChars} characters`;
  if (/\s/.test(model)) return 'must be provider/model: the model contains whitespace';
  return displayTextProblem(model) ?? secretProblem(model);
}

/**
 * A key's model list as given: an array of `provider/model` entries (duplicates dropped, order kept),
 * or null / undefined for every model. An empty list would allow nothing: refused, so that a key
 * limited to nothing is never created by mistake.
 */
export function parseConsumerKeyModels(value: unknown, field = 'models'): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new InvalidInputError(field, 'must be a list of provider/model entries, or left out for every model');
  if (value.length === 0) throw new InvalidInputError(field, 'must list at least one provider/model, or be left out for every model');
  if (value.length > MAX_KEY_MODELS) throw new InvalidInputError(field, `must list at most ${MAX_KEY_MODELS} entries`);
  value.forEach((entry, i) => {
    const problem = modelEntryProblem(entry);
    if (problem) throw new InvalidInputError(field, `entry ${i + 1} ${problem}`);
  });
  return [...new Set(value as string[])];
}

/** An expiry as given: a valid date in the future (a key born expired is a mistake), or null / undefined for never. */
export function assertConsumerKeyExpiry(value: unknown, now: number, field = 'expiresAt'): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new InvalidInputError(field, 'must be a date-time, or left out for never');
  if (value.getTime() <= now) throw new InvalidInputError(field, 'must be in the future');
  return value;
}

/** Whether a key may call `model` of `provider`: unlimited keys may call every model, the others those they list. */
export function consumerMayUse(consumer: Pick<AuthenticatedConsumer, 'models'>, provider: string, model: string): boolean {
  const models = consumer.models;
  if (models === null) return true;
  const wanted = `${provider}/${model}`;
  for (const entry of models) if (entry === wanted) return true;
  return false;
}
