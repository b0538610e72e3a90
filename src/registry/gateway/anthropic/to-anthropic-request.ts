import { describe, isAbsent, isObject, isString, JsonObject } from './guards';
import { RefusedParam, refuse } from './refusal';
import { toAnthropicResponseFormat } from './response-format';
import { toAnthropicConversation } from './to-anthropic-messages';
import { toAnthropicSampling } from './to-anthropic-sampling';
import { toAnthropicToolSettings } from './to-anthropic-tools';
import { refuseUnsupportedParams } from './unsupported-params';
import { AnthropicRequest, AnthropicTextBlock, RequestRefusal } from './wire-types';

export interface AnthropicRequestOptions {
  /** `max_tokens` when the client sets no limit (Anthropic requires one, OpenAI does not). */
  defaultMaxTokens: number;
}

export type AnthropicRequestTranslation = { ok: true; body: AnthropicRequest } | RequestRefusal;

/**
 * An OpenAI Chat Completions request body (as the client sent it, unchecked) → the body of an Anthropic
 * Messages request for `model`. Never throws on bad input: a field that is malformed or cannot be
 * honoured comes back as `{ ok: false, param, message }`, for a 400 in OpenAI's error shape.
 *
 * Read elsewhere: messages (to-anthropic-messages), sampling (to-anthropic-sampling), tools
 * (to-anthropic-tools), response_format (response-format), refused fields (unsupported-params).
 * Here: `stream`, and `user` (or, failing it, `safety_identifier`) → `metadata.user_id`.
 *
 * Ignored, because they do not change the answer or mean nothing to Anthropic: `model` (the gateway
 * chose the upstream model), `seed` (best effort at OpenAI too), `store` and `metadata` (OpenAI's stored
 * completions), `service_tier`, `prediction` (a latency hint), `prompt_cache_key`, `verbosity`,
 * `stream_options` (read by AnthropicStreamTranslator's caller), a message's `name`, an image's `detail`.
 */
export function toAnthropicRequest(body: unknown, model: string, options: AnthropicRequestOptions): AnthropicRequestTranslation {
  try {
    return { ok: true, body: translate(body, model, options) };
  } catch (error) {
    if (error instanceof RefusedParam) return error.toRefusal();
    throw error;
  }
}

function translate(body: unknown, model: string, options: AnthropicRequestOptions): AnthropicRequest {
  if (!isObject(body)) return refuse('body', `expected a JSON object, got ${describe(body)}`);
  refuseUnsupportedParams(body);
  const conversation = toAnthropicConversation(body.messages);
  const format = toAnthropicResponseFormat(body.response_format);
  const request: AnthropicRequest = {
    model,
    messages: conversation.messages,
    ...toAnthropicSampling(body, options.defaultMaxTokens),
    ...toAnthropicToolSettings(body),
  };
  const system = systemPrompt(format.systemText === undefined ? conversation.system : [...conversation.system, format.systemText]);
  if (system !== undefined) request.system = system;
  if (format.output_config) request.output_config = format.output_config;
  if (streams(body)) request.stream = true;
  const userId = endUser(body);
  if (userId !== undefined) request.metadata = { user_id: userId };
  return request;
}

/** One text stays a plain string; several keep their boundaries as separate text blocks. */
function systemPrompt(texts: string[]): string | AnthropicTextBlock[] | undefined {
  if (texts.length === 0) return undefined;
  if (texts.length === 1) return texts[0];
  return texts.map((text) => ({ type: 'text', text }));
}

function streams(body: JsonObject): boolean {
  if (isAbsent(body.stream)) return false;
  if (typeof body.stream !== 'boolean') return refuse('stream', `expected a boolean, got ${describe(body.stream)}`);
  return body.stream;
}

function endUser(body: JsonObject): string | undefined {
  for (const param of ['user', 'safety_identifier']) {
    const value = body[param];
    if (isAbsent(value)) continue;
    if (!isString(value)) return refuse(param, `expected a string, got ${describe(value)}`);
    if (value !== '') return value;
  }
  return undefined;
}
