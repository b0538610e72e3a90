import { fromAnthropicError, openAiErrorStatus } from './anthropic-error';

const body = (type: string, message = 'something') => ({ type: 'error', error: { type, message } });

describe(fromAnthropicError.name, () => {
  it.each([
    ['invalid_request_error', 400, 'invalid_request_error'],
    ['request_too_large', 413, 'invalid_request_error'],
    ['authentication_error', 401, 'authentication_error'],
    ['permission_error', 403, 'permission_error'],
    ['billing_error', 402, 'insufficient_quota'],
    ['not_found_error', 404, 'not_found_error'],
    ['rate_limit_error', 429, 'rate_limit_error'],
    ['api_error', 500, 'server_error'],
    ['timeout_error', 504, 'server_error'],
    ['overloaded_error', 529, 'server_error'],
  ])('maps %s (HTTP %d) to %s, keeping the Anthropic type as code', (type, status, openAiType) => {
    expect(fromAnthropicError(body(type, 'why'), status)).toEqual({ message: 'why', type: openAiType, param: null, code: type });
  });

  it('falls back on the HTTP status for an unknown type or an unreadable body', () => {
    expect(fromAnthropicError(body('brand_new_error'), 429)).toMatchObject({ type: 'rate_limit_error', code: 'brand_new_error' });
    expect(fromAnthropicError(body('constructor'), 400)).toMatchObject({ type: 'invalid_request_error' });
    expect(fromAnthropicError('<html>Bad gateway</html>', 502)).toEqual({
      message: 'the upstream failed with HTTP 502',
      type: 'server_error',
      param: null,
      code: null,
    });
    expect(fromAnthropicError(undefined, 401)).toMatchObject({ type: 'authentication_error' });
    expect(fromAnthropicError(undefined, 403)).toMatchObject({ type: 'permission_error' });
    expect(fromAnthropicError(undefined, 404)).toMatchObject({ type: 'not_found_error' });
    expect(fromAnthropicError(undefined, 422)).toMatchObject({ type: 'invalid_request_error' });
  });

  it('reads a mid-stream error event, which has no status', () => {
    expect(fromAnthropicError(body('overloaded_error', 'Overloaded'))).toEqual({
      message: 'Overloaded',
      type: 'server_error',
      param: null,
      code: 'overloaded_error',
    });
    expect(fromAnthropicError({ type: 'error', error: { type: 5, message: null } })).toEqual({
      message: 'the upstream failed',
      type: 'server_error',
      param: null,
      code: null,
    });
  });
});

describe(openAiErrorStatus.name, () => {
  it('turns 529 into 503 and keeps every other status', () => {
    expect(openAiErrorStatus(529)).toBe(503);
    for (const status of [400, 401, 403, 404, 413, 429, 500, 504]) expect(openAiErrorStatus(status)).toBe(status);
  });
});
