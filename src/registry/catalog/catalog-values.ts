import { displayTextProblem } from '../../common/json-guard/text-rules';
import { secretValueKind, SECRET_VALUE_DESCRIPTIONS } from '../../common/json-guard/secret-like';
import { InvalidBaseUrlError, validateBaseUrl } from '../egress/base-url.policy';
import { PRIORITY_MAX, RESERVED_SLUGS, SLUG_PATTERN } from './catalog.types';

/*
 * Rules for single values that the catalog file and an operator's capabilities update share, so a
 * provider's capabilities obey the same rules whichever way they were written. Each returns why the
 * value is refused, or undefined; no reason repeats the value.
 */

export const VALUE_LIMITS = {
  /** `provider_configs.display_name` is varchar(255). */
  displayNameChars: 255,
  modelIdChars: 200,
  modelNameChars: 200,
  /** Per provider and model type: OpenRouter lists a few hundred; thousands would only bloat capabilities. */
  modelsPerType: 500,
  requiredConfigKeys: 50,
  baseUrlChars: 2048,
  /** context_length and dimensions: kept within a 32-bit integer for whoever stores them in one. */
  modelSize: 2_147_483_647,
} as const;

/**
 * Model ids as providers spell them: `gpt-4o-mini`, `openai/gpt-4o:free`, `llama3.2:3b-instruct-q4_K_M`,
 * `claude-3-5-sonnet@20240620` (Vertex), `us.anthropic.claude-3-7-sonnet-20250219-v1:0` (Bedrock),
 * `/models/llama` (a vLLM path). No spaces, quotes, control or non-ASCII characters.
 */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9._:/@+~-]+$/;
export const MODEL_ID_RULE = `must be 1-${VALUE_LIMITS.modelIdChars} characters of A-Z a-z 0-9 and . _ : / @ + ~ -`;

/** USD per million tokens, to a tenth of a cent: a token's price is then a whole number of billionths of a USD, summed exactly. */
export function priceProblem(value: unknown): string | undefined {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= 10_000 &&
    Math.abs(value * 1000 - Math.round(value * 1000)) < 1e-6;
  return ok ? undefined : 'must be a price in USD per million tokens from 0 to 10000, with at most 3 decimals';
}

export function slugProblem(slug: string): string | undefined {
  if (!SLUG_PATTERN.test(slug)) return `must match ${SLUG_PATTERN.source}`;
  if (RESERVED_SLUGS.has(slug)) return `${JSON.stringify(slug)} is reserved: it names a JavaScript object internal`;
  return undefined;
}

export function modelIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id.length > VALUE_LIMITS.modelIdChars || !MODEL_ID_PATTERN.test(id)) return MODEL_ID_RULE;
  return secretProblem(id);
}

/** A display name or model name: non-empty, at most `maxChars`, printable, and not a pasted secret. */
export function nameProblem(name: unknown, maxChars: number): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return 'must be a non-empty string';
  if (name.length > maxChars) return `must be at most ${maxChars} characters`;
  const text = displayTextProblem(name);
  if (text) return text;
  return secretProblem(name);
}

/** Capabilities are stored in clear and shown in the admin console: no value may look like a key. */
export function secretProblem(text: string): string | undefined {
  const kind = secretValueKind(text);
  return kind ? `looks like ${SECRET_VALUE_DESCRIPTIONS[kind]}; secrets belong in the credentials API` : undefined;
}

/**
 * The same policy as every other base URL (scheme, no credentials, query or fragment, no metadata
 * address): probes send the provider's key there.
 */
export function baseUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be an http:// or https:// URL';
  if (value.length > VALUE_LIMITS.baseUrlChars) return `must be at most ${VALUE_LIMITS.baseUrlChars} characters`;
  try {
    validateBaseUrl(value);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidBaseUrlError) return error.message;
    throw error;
  }
}

export function modelSizeProblem(size: unknown): string | undefined {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) return 'must be a positive integer';
  return size > VALUE_LIMITS.modelSize ? `must be at most ${VALUE_LIMITS.modelSize}` : undefined;
}

export function priorityProblem(priority: unknown): string | undefined {
  const ok = typeof priority === 'number' && Number.isInteger(priority) && priority >= 0 && priority <= PRIORITY_MAX;
  return ok ? undefined : `must be an integer from 0 to ${PRIORITY_MAX} (lower = preferred)`;
}
