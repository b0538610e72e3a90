import { looksLikeSecretKey, SECRET_VALUE_DESCRIPTIONS, secretValueKind } from './secret-like';
import { quoteInput, storableTextProblem } from './text-rules';
import { UiJsonRule, UnsafeUiJsonError } from './unsafe-ui-json.error';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type UiJsonObject = { [key: string]: JsonValue };

export const UI_JSON_LIMITS = {
  /** UTF-8 bytes of JSON.stringify(value): UI hints, not a document store. */
  maxBytes: 8 * 1024,
  /** Nesting of objects/arrays, the top-level object being 1. */
  maxDepth: 4,
} as const;

/** Keys that can poison prototypes when the stored object is later merged into another. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const SECRET_ADVICE = 'store secrets through the credentials API, not in UI JSON';

/**
 * Accepts only small, plain JSON objects free of secrets, for `ui_metadata` / `ui_preferences`,
 * which are stored in clear and served to browsers.
 * @param fieldName names the field in the error and starts every path (`ui_metadata.a.b[0]`).
 * @throws UnsafeUiJsonError with `.path` and `.rule`; the message never contains a value.
 */
export function assertSafeUiJson(value: unknown, fieldName: string): asserts value is UiJsonObject {
  if (!isPlainObject(value)) {
    throw new UnsafeUiJsonError(fieldName, fieldName, 'not-object', `must be a JSON object, got ${describeType(value)}`);
  }
  // Walk first: it proves the value is acyclic (bounded depth) plain JSON, so stringify is then safe.
  walk(value, fieldName, 1, (path, rule, reason) => new UnsafeUiJsonError(fieldName, path, rule, reason));
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > UI_JSON_LIMITS.maxBytes) {
    throw new UnsafeUiJsonError(
      fieldName,
      fieldName,
      'too-large',
      `serialises to ${bytes} bytes, more than the ${UI_JSON_LIMITS.maxBytes} allowed`,
    );
  }
}

type Fail = (path: string, rule: UiJsonRule, reason: string) => UnsafeUiJsonError;

function walk(node: unknown, path: string, depth: number, fail: Fail): void {
  switch (typeof node) {
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(node)) throw fail(path, 'non-finite-number', 'numbers must be finite (JSON has no NaN or Infinity)');
      return;
    case 'string': {
      const problem = storableTextProblem(node);
      if (problem) throw fail(path, 'unstorable-text', `the string ${problem}`);
      const kind = secretValueKind(node);
      if (kind) throw fail(path, 'secret-value', `the string looks like ${SECRET_VALUE_DESCRIPTIONS[kind]}; ${SECRET_ADVICE}`);
      return;
    }
    default:
      // Objects, arrays and null are walked below; anything else is refused there.
      break;
  }
  if (node === null) return;

  const isArray = Array.isArray(node);
  if (!isArray && !isPlainObject(node)) {
    throw fail(
      path,
      'unsupported-type',
      `only strings, numbers, booleans, null, arrays and plain objects are allowed, got ${describeType(node)}`,
    );
  }
  if (depth > UI_JSON_LIMITS.maxDepth) {
    throw fail(path, 'too-deep', `objects and arrays may nest at most ${UI_JSON_LIMITS.maxDepth} levels`);
  }

  if (isArray) {
    for (let index = 0; index < node.length; index++) {
      if (!(index in node)) throw fail(`${path}[${index}]`, 'unsupported-type', 'arrays must not have holes');
      walk(node[index], `${path}[${index}]`, depth + 1, fail);
    }
    return;
  }
  if (Object.getOwnPropertySymbols(node).length > 0) {
    throw fail(path, 'unsupported-type', 'symbol keys are not JSON');
  }
  for (const [key, child] of Object.entries(node)) {
    // A key may itself be a pasted secret: then the path must not show it.
    if (secretValueKind(key)) {
      throw fail(`${path}[<redacted key>]`, 'secret-key', `an object key looks like a secret; ${SECRET_ADVICE}`);
    }
    const childPath = joinPath(path, key);
    const problem = storableTextProblem(key);
    if (problem) throw fail(childPath, 'unstorable-text', `the key ${problem}`);
    if (FORBIDDEN_KEYS.has(key)) throw fail(childPath, 'forbidden-key', 'this key name is reserved');
    if (looksLikeSecretKey(key)) {
      throw fail(childPath, 'secret-key', `the key name suggests a secret; ${SECRET_ADVICE}`);
    }
    walk(child, childPath, depth + 1, fail);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The kind of a value, never its content. */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'an unknown class'}`;
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/** Keys that are not plain words are quoted (escapes for control characters) and cut short, as caller input. */
function joinPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(key) ? `${path}.${key}` : `${path}[${quoteInput(key)}]`;
}
