import { countOf, isObject } from './guards';
import { AnthropicUsage, OpenAiUsage } from './wire-types';

export const NO_USAGE: AnthropicUsage = Object.freeze({
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
});

/**
 * An Anthropic `usage` object, checked: each count present and valid replaces the one in `base`. In a
 * stream, message_start carries the input counts and message_delta the cumulative output (and, lately,
 * the input counts again), so the later object is laid over the earlier.
 */
export function readAnthropicUsage(value: unknown, base: AnthropicUsage = NO_USAGE): AnthropicUsage {
  if (!isObject(value)) return base;
  const pick = (key: keyof AnthropicUsage) => (value[key] === undefined || value[key] === null ? base[key] : countOf(value[key]));
  return {
    input_tokens: pick('input_tokens'),
    output_tokens: pick('output_tokens'),
    cache_creation_input_tokens: pick('cache_creation_input_tokens'),
    cache_read_input_tokens: pick('cache_read_input_tokens'),
  };
}

/** The whole prompt: Anthropic counts uncached, cache-written and cache-read input tokens apart. */
export function promptTokens(usage: AnthropicUsage): number {
  return usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens;
}

export function toOpenAiUsage(usage: AnthropicUsage): OpenAiUsage {
  const prompt = promptTokens(usage);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: usage.cache_read_input_tokens },
  };
}
