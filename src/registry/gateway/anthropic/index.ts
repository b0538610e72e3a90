/*
 * OpenAI Chat Completions ⇄ Anthropic Messages, as pure functions over the raw JSON the gateway relays:
 * the request one way, the JSON answer, the stream and errors the other. No I/O: the gateway sends
 * `POST {base}/v1/messages` with `x-api-key` and `anthropic-version: 2023-06-01` itself.
 */
export { toAnthropicRequest } from './to-anthropic-request';
export type { AnthropicRequestOptions, AnthropicRequestTranslation } from './to-anthropic-request';
export { fromAnthropicResponse } from './from-anthropic-response';
export type { OpenAiResponseOptions, OpenAiCompletionTranslation } from './from-anthropic-response';
export { AnthropicStreamTranslator } from './anthropic-stream';
export type { StreamTranslatorOptions } from './anthropic-stream';
export { fromAnthropicError, openAiErrorStatus } from './anthropic-error';
export type * from './wire-types';
