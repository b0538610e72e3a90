import { describe, isAbsent, isObject } from './guards';
import { refuse } from './refusal';
import { AnthropicRequest } from './wire-types';

export interface AnthropicResponseFormat {
  /** Appended to the system prompt. */
  systemText?: string;
  output_config?: AnthropicRequest['output_config'];
}

export const JSON_OBJECT_INSTRUCTION =
  'Respond with a single valid JSON object and nothing else: no prose, no Markdown code fence, before or after it.';

/**
 * OpenAI `response_format` → Anthropic.
 *
 * - `json_schema` → `output_config.format` (Anthropic's structured outputs): decoding is constrained to
 *   the schema, which is what OpenAI promises. On a model without structured outputs Anthropic answers
 *   400 and the client sees that, rather than a silently weaker promise. `name` and `strict` have no
 *   Anthropic counterpart (constraint is always strict there).
 * - `json_object` (any JSON object, no schema) has no Anthropic counterpart: structured outputs need a
 *   schema, and `{"type":"object"}` is read as "an object with no properties". It becomes a system
 *   instruction instead — best effort, as OpenAI's own JSON mode is only valid JSON, not a shape; the
 *   client already has to say "JSON" in its prompt (OpenAI requires it), so the instruction only sharpens it.
 * - `text` is the default.
 */
export function toAnthropicResponseFormat(format: unknown): AnthropicResponseFormat {
  if (isAbsent(format)) return {};
  if (!isObject(format)) return refuse('response_format', `expected an object, got ${describe(format)}`);
  switch (format.type) {
    case 'text':
      return {};
    case 'json_object':
      return { systemText: JSON_OBJECT_INSTRUCTION };
    case 'json_schema': {
      const spec = format.json_schema;
      if (!isObject(spec)) return refuse('response_format.json_schema', `expected an object, got ${describe(spec)}`);
      if (!isObject(spec.schema))
        return refuse('response_format.json_schema.schema', `expected a JSON Schema object, got ${describe(spec.schema)}`);
      return { output_config: { format: { type: 'json_schema', schema: spec.schema } } };
    }
    default:
      return refuse('response_format.type', 'expected text, json_object or json_schema');
  }
}
