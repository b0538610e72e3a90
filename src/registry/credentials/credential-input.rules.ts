import { codePoint } from '../../common/json-guard/text-rules';
import { InvalidInputError } from '../kernel/registry.errors';
import { DEFAULT_CREDENTIAL_TYPE } from '../kernel/credential-type';

/*
 * What a credential must look like to be stored. Each rule throws InvalidInputError naming the field
 * and the rule; messages may name a character's code point and index, never any part of the key.
 */

export const MAX_API_KEY_LENGTH = 8192;
/** `ai_credentials.credential_type` is varchar(50). */
export const CREDENTIAL_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;

/**
 * An API key is sent in an HTTP header (`Authorization: Bearer …`, `x-api-key`), which carries only
 * visible ASCII: a key with an emoji, a zero-width space, a NUL or any other control or non-ASCII
 * character would be stored and then fail every request, and PostgreSQL refuses a NUL outright.
 */
const NOT_VISIBLE_ASCII = /[^\x21-\x7E]/u;
const WHITESPACE = /\s/;

/**
 * The API key to encrypt: visible ASCII only, at most MAX_API_KEY_LENGTH characters. Absent (undefined,
 * null or '') is allowed only when `required` is false (providers such as Ollama), and gives ''.
 */
export function assertApiKey(value: unknown, required: boolean): string {
  const key = value ?? '';
  if (typeof key !== 'string') throw new InvalidInputError('apiKey', 'must be a string');
  if (key.trim() === '' && required) throw new InvalidInputError('apiKey', 'is required for this provider');
  if (key === '') return '';
  if (key.length > MAX_API_KEY_LENGTH) {
    throw new InvalidInputError('apiKey', `must be at most ${MAX_API_KEY_LENGTH} characters`);
  }
  const bad = NOT_VISIBLE_ASCII.exec(key);
  if (bad) {
    const at = `${codePoint(bad[0])} at index ${bad.index}`;
    if (WHITESPACE.test(bad[0])) {
      throw new InvalidInputError('apiKey', `must not contain whitespace or line breaks (found ${at}); paste the key alone`);
    }
    throw new InvalidInputError(
      'apiKey',
      `must contain only printable ASCII characters, the only ones an HTTP header can carry (found ${at}, e.g. an emoji, a zero-width space or a control character copied with the key)`,
    );
  }
  return key;
}

/**
 * PostgreSQL's timestamptz starts at 4714-11-24 00:00 UTC BC (JavaScript year -4713); earlier dates
 * fail with a raw "timestamp out of range". Its end (294276 AD) lies beyond the last JavaScript Date
 * (275760 AD), so every valid Date is below it.
 */
export const TIMESTAMPTZ_MIN = new Date(Date.UTC(-4713, 10, 24));

/**
 * When the credential expires: null (never) or a valid Date strictly after `now`. A date in the past
 * is refused because store() replaces the provider's credential: it would swap a working key for one
 * that is already expired.
 */
export function assertExpiresAt(value: unknown, now: Date): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidInputError('expiresAt', 'must be a valid date or null');
  }
  if (value.getTime() < TIMESTAMPTZ_MIN.getTime()) {
    throw new InvalidInputError('expiresAt', 'must be within the PostgreSQL timestamptz range (4714 BC to 294276 AD)');
  }
  if (value.getTime() <= now.getTime()) {
    throw new InvalidInputError(
      'expiresAt',
      `must be in the future (now is ${now.toISOString()}): storing an already expired credential would replace the current one`,
    );
  }
  return value;
}

/** The credential type, `api_key` when omitted: lower_snake_case, 1–50 characters. */
export function assertCredentialType(value: unknown): string {
  const type = value ?? DEFAULT_CREDENTIAL_TYPE;
  if (typeof type !== 'string' || !CREDENTIAL_TYPE_PATTERN.test(type)) {
    throw new InvalidInputError('credentialType', 'must be lower_snake_case, 1-50 characters');
  }
  return type;
}
