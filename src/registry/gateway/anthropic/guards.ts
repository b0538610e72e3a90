/*
 * Reading JSON that nobody vouches for: a client's request or an upstream's answer. Each guard narrows
 * `unknown` without throwing; `describe` names what arrived, for error messages.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** null and undefined both mean "not set" in an OpenAI request. */
export function isAbsent(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** A count from an upstream's usage: a whole number above 0, else 0 (tokens are counted exactly, as integers). */
export function countOf(value: unknown): number {
  return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : 0;
}

/** The JSON type of a value, as a message would name it: "an array", "null", "a number"… */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'undefined') return 'nothing';
  return `a ${typeof value}`;
}
