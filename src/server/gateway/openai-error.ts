import { HttpException, HttpStatus } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DomainError } from '../../common/domain-error';
import {
  GatewayRequestError,
  KeyLimitExceededError,
  ModelNotAllowedError,
  NoAvailableProviderError,
  ProviderCallError,
  UnknownModelError,
  UnknownOperationError,
} from '../../registry';
import { UnauthenticatedError } from '../auth/auth.errors';

/** OpenAI's error body: what its clients parse (`openai.APIError` reads `error.message`, `type`, `param`, `code`). */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface OpenAiErrorAnswer {
  status: number;
  body: OpenAiErrorBody;
  /** Whether the error is ours to log as a fault (a 500): never a client's or a provider's doing. */
  unexpected?: true;
  /** Headers of the answer (Retry-After and the x-ratelimit-* of a key's limit). */
  headers?: Readonly<Record<string, string>>;
}

function answer(status: number, type: string, message: string, code: string | null = null, param: string | null = null): OpenAiErrorAnswer {
  return { status, body: { error: { message, type, param, code } } };
}

/**
 * The gateway edge's one place that turns errors into answers, in OpenAI's shape and statuses, so the
 * official clients raise the error class a caller expects (AuthenticationError, PermissionDeniedError,
 * NotFoundError, RateLimitError, …). Messages are the registry's own, already free of keys.
 */
export function openAiErrorOf(error: unknown): OpenAiErrorAnswer {
  if (error instanceof UnauthenticatedError) {
    return answer(401, 'invalid_request_error', `${error.message}: Authorization: Bearer <consumer key>`, 'invalid_api_key');
  }
  if (error instanceof GatewayRequestError) return answer(400, 'invalid_request_error', error.message, null, error.param);
  if (error instanceof UnknownModelError) return answer(404, 'invalid_request_error', error.message, 'model_not_found', 'model');
  if (error instanceof ModelNotAllowedError) return answer(403, 'permission_error', error.message, 'model_not_allowed', 'model');
  if (error instanceof UnknownOperationError)
    return answer(400, 'invalid_request_error', `X-Registry-Operation: ${error.message}`, 'unknown_operation');
  if (error instanceof NoAvailableProviderError) return answer(503, 'server_error', error.message, 'no_available_provider');
  if (error instanceof ProviderCallError) {
    // Every candidate was rate limited: the client should back off and retry, as after OpenAI's own 429.
    const answered = error.attempts.filter((attempt) => attempt.status !== null);
    if (answered.length > 0 && answered.every((attempt) => attempt.status === 429))
      return answer(429, 'rate_limit_error', error.message, 'upstream_rate_limited');
    return answer(503, 'server_error', error.message, 'upstream_failed');
  }
  if (error instanceof KeyLimitExceededError) {
    // OpenAI's own words: a spent budget is insufficient_quota, a rate or concurrency limit rate_limit_exceeded.
    const type = error.limit === 'budget' ? 'insufficient_quota' : 'rate_limit_exceeded';
    // When no short wait lets the call through, OpenAI's clients are told not to retry (they honour
    // x-should-retry: false; a 429 alone they retry, twice by default); Retry-After still says when the window renews.
    const retry: Record<string, string> = error.retryable ? {} : { 'x-should-retry': 'false' };
    return {
      ...answer(429, type, error.message, type),
      headers: { ...error.headers, 'retry-after': String(error.retryAfterSeconds), ...retry },
    };
  }
  if (error instanceof ThrottlerException) return answer(429, 'rate_limit_error', error.message, 'rate_limit_exceeded');
  if (error instanceof DomainError && error.kind === 'invalid_input') return answer(400, 'invalid_request_error', error.message);
  if (error instanceof HttpException) return frameworkError(error);
  return { ...answer(500, 'server_error', 'The server had an error while processing your request.'), unexpected: true };
}

/** What the HTTP layer refused before the gateway saw the request: a body that is not JSON, too large, an unknown route. */
function frameworkError(error: HttpException): OpenAiErrorAnswer {
  const status = error.getStatus();
  switch (status) {
    case HttpStatus.BAD_REQUEST:
      return answer(400, 'invalid_request_error', `We could not parse the JSON body of your request: ${error.message}`, 'invalid_json');
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return answer(413, 'invalid_request_error', 'The request body is too large.', 'request_too_large');
    case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
      return answer(
        415,
        'invalid_request_error',
        'The request body must be JSON (Content-Type: application/json).',
        'unsupported_media_type',
      );
    case HttpStatus.NOT_FOUND:
      return answer(404, 'invalid_request_error', error.message, 'unknown_url');
    default:
      return answer(status, status >= 500 ? 'server_error' : 'invalid_request_error', error.message);
  }
}
