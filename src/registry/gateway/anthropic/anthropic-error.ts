import { isObject, isString } from './guards';
import { OpenAiError } from './wire-types';

/** Anthropic's error types (https://docs.anthropic.com/en/api/errors) in the words OpenAI-style clients know. */
const OPENAI_TYPES = new Map<string, string>([
  ['invalid_request_error', 'invalid_request_error'],
  ['request_too_large', 'invalid_request_error'],
  ['authentication_error', 'authentication_error'],
  ['permission_error', 'permission_error'],
  ['billing_error', 'insufficient_quota'],
  ['not_found_error', 'not_found_error'],
  ['rate_limit_error', 'rate_limit_error'],
  ['api_error', 'server_error'],
  ['overloaded_error', 'server_error'],
  ['timeout_error', 'server_error'],
]);

function typeForStatus(status: number | undefined): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status !== undefined && status >= 400 && status < 500) return 'invalid_request_error';
  return 'server_error';
}

/**
 * Anthropic's error body `{ type: 'error', error: { type, message } }` (an HTTP error answer, or the
 * data of an `error` event mid-stream) → the `error` member of OpenAI's error body. The Anthropic type
 * is kept as `code`. A body that is not of that shape (an HTML page from a proxy, nothing) gets a type
 * from the HTTP status when there is one. Never throws.
 */
export function fromAnthropicError(body: unknown, upstreamStatus?: number): OpenAiError {
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const anthropicType = error && isString(error.type) && error.type !== '' ? error.type : undefined;
  const message = error && isString(error.message) && error.message !== '' ? error.message : undefined;
  return {
    message: message ?? `the upstream failed${upstreamStatus === undefined ? '' : ` with HTTP ${upstreamStatus}`}`,
    type: (anthropicType && OPENAI_TYPES.get(anthropicType)) ?? typeForStatus(upstreamStatus),
    param: null,
    code: anthropicType ?? null,
  };
}

/**
 * The status to answer an OpenAI client with for an Anthropic error status: the same, except 529
 * (Anthropic's "overloaded"), which OpenAI clients and HTTP middleboxes do not know as retryable, → 503.
 */
export function openAiErrorStatus(upstreamStatus: number): number {
  return upstreamStatus === 529 ? 503 : upstreamStatus;
}
