import { describe, isAbsent, isFiniteNumber, isString, JsonObject } from './guards';
import { refuse } from './refusal';
import { AnthropicRequest } from './wire-types';

export type AnthropicSampling = Pick<AnthropicRequest, 'max_tokens' | 'temperature' | 'top_p' | 'stop_sequences'>;

/**
 * Length and sampling settings. Ranges are checked as OpenAI checks them, so a request is refused for
 * the same reasons whichever upstream serves it.
 *
 * - `max_completion_tokens` (current) wins over `max_tokens` (deprecated by OpenAI); with neither,
 *   `defaultMaxTokens`, because Anthropic requires a limit and OpenAI does not.
 * - `temperature`: OpenAI takes 0–2, Anthropic 0–1. Clamped, not scaled: both APIs default to 1 and
 *   agree on what 0–1 means (0 near-greedy, 1 the model's natural distribution), which is where nearly
 *   all clients stay; above 1 asks for "more random than natural", and 1 is the most Anthropic offers.
 *   Scaling would quietly halve every common setting (0.7 → 0.35). Refusing would break clients that
 *   send 1.2 for a creative mode.
 * - `top_p` of 1 is OpenAI's default and a no-op, and is left out: recent Claude models refuse
 *   `temperature` and `top_p` together, and many clients send both out of habit.
 * - `stop`: a string or an array → `stop_sequences`; empty strings are dropped (they would stop nothing).
 */
export function toAnthropicSampling(body: JsonObject, defaultMaxTokens: number): AnthropicSampling {
  const sampling: AnthropicSampling = { max_tokens: maxTokens(body, defaultMaxTokens) };
  const temperature = numberIn(body.temperature, 'temperature', 0, 2);
  if (temperature !== undefined) sampling.temperature = Math.min(temperature, 1);
  const topP = numberIn(body.top_p, 'top_p', 0, 1);
  if (topP !== undefined && topP < 1) sampling.top_p = topP;
  const stop = stopSequences(body.stop);
  if (stop.length > 0) sampling.stop_sequences = stop;
  return sampling;
}

function maxTokens(body: JsonObject, defaultMaxTokens: number): number {
  for (const param of ['max_completion_tokens', 'max_tokens']) {
    const value = body[param];
    if (isAbsent(value)) continue;
    if (!isFiniteNumber(value)) return refuse(param, `expected a positive integer, got ${describe(value)}`);
    if (!Number.isSafeInteger(value) || value < 1) return refuse(param, `expected a positive integer, got ${value}`);
    return value;
  }
  return defaultMaxTokens;
}

function numberIn(value: unknown, param: string, min: number, max: number): number | undefined {
  if (isAbsent(value)) return undefined;
  if (!isFiniteNumber(value)) return refuse(param, `expected a number, got ${describe(value)}`);
  if (value < min || value > max) return refuse(param, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function stopSequences(stop: unknown): string[] {
  if (isAbsent(stop)) return [];
  if (isString(stop)) return stop === '' ? [] : [stop];
  if (!Array.isArray(stop)) return refuse('stop', `expected a string or an array of strings, got ${describe(stop)}`);
  return stop.filter((sequence: unknown, i) => {
    if (!isString(sequence)) return refuse(`stop[${i}]`, `expected a string, got ${describe(sequence)}`);
    return sequence !== '';
  });
}
