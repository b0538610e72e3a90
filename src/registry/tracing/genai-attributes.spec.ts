import { AttemptTimeoutError } from '../calls/attempt-signal';
import { UpstreamBodyError, UpstreamStatusError } from '../calls/upstream.errors';
import { fakeAttempt, fakeRecord as record } from './__fixtures__/fake-attempt';
import { attemptErrorType, attemptStartAttributes, callEndAttributes, isFailure, spanName } from './genai-attributes';

const failedOpenAi = {
  provider: 'openai',
  model: 'gpt-4o-mini',
  outcome: 'error' as const,
  status: 500,
  reason: 'HTTP 500: down',
  latencyMs: 4,
};

describe('GenAI attributes', () => {
  it('names spans `{operation} {model}`, the model bounded as the request log bounds it', () => {
    expect(spanName('chat', 'gpt-4o-mini')).toBe('chat gpt-4o-mini');
    expect(spanName('embeddings', null)).toBe('embeddings');
    expect(spanName('chat', 'x'.repeat(1000))).toHaveLength('chat '.length + 200);
  });

  it('an attempt: the candidate, the upstream’s address (never its user or password), its number, why the one before failed', () => {
    const first = attemptStartAttributes('chat', fakeAttempt());
    expect(first).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-haiku-4-5',
      'registry.provider': 'anthropic',
      'registry.attempt.number': 1,
      'registry.candidate.source': 'fallback_chain',
      'server.address': 'api.example.com',
      'server.port': 443,
    });
    const second = attemptStartAttributes('chat', fakeAttempt({ failed: [failedOpenAi], baseURL: 'http://127.0.0.1:8080/v1' }));
    expect(second).toMatchObject({
      'registry.attempt.number': 2,
      'registry.fallback.reason': 'openai/gpt-4o-mini: HTTP 500: down',
      'server.address': '127.0.0.1',
      'server.port': 8080,
    });
    expect(JSON.stringify(first)).not.toMatch(/user|pw|sk-secret/);
  });

  it('a call’s end: what was asked, who answered, tokens, every earlier failure; an error.type only when it did not succeed', () => {
    expect(callEndAttributes(record({ failedAttempts: [failedOpenAi], timeToFirstTokenMs: 12, stream: true }))).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'auto',
      'gen_ai.response.model': 'claude-haiku-4-5',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.system': 'anthropic',
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 3,
      'http.response.status_code': 200,
      'registry.provider': 'anthropic',
      'registry.stream': true,
      'registry.result': 'success',
      'registry.attempts': 2,
      'registry.time_to_first_token_ms': 12,
      'registry.fallback.reasons': ['openai/gpt-4o-mini: HTTP 500: down'],
    });
    const unanswered = callEndAttributes(
      record({
        provider: null,
        model: null,
        result: 'all_candidates_failed',
        errorCode: 'PROVIDER_CALL_FAILED',
        upstreamStatus: null,
        inputTokens: null,
        outputTokens: null,
        failedAttempts: [failedOpenAi],
      }),
    );
    expect(unanswered).toMatchObject({
      'error.type': 'PROVIDER_CALL_FAILED',
      'registry.attempts': 1,
      'registry.error_code': 'PROVIDER_CALL_FAILED',
    });
    expect(Object.keys(unanswered).filter((key) => /usage|response|provider\.name|status_code/.test(key))).toEqual([]);
    expect(callEndAttributes(record({ result: 'cancelled' }))['error.type']).toBe('cancelled');
  });

  it('ERROR is for failures of ours or the upstreams’, not the caller’s', () => {
    expect(['stream_error', 'all_candidates_failed', 'no_available_provider'].every((r) => isFailure(r as never))).toBe(true);
    expect(
      ['success', 'client_error', 'cancelled', 'invalid_request', 'key_limit', 'unknown_model'].some((r) => isFailure(r as never)),
    ).toBe(false);
  });

  it('error.type of an attempt: cancelled, timeout, the HTTP status, a network code, a class name; never a message', () => {
    const plain = fakeAttempt();
    expect(attemptErrorType(new Error('x'), fakeAttempt({ signal: { callerAborted: true } }))).toBe('cancelled');
    expect(attemptErrorType(new AttemptTimeoutError(300), fakeAttempt({ signal: { timedOut: true } }))).toBe('timeout');
    expect(attemptErrorType(new UpstreamStatusError(503, '{"error":{"message":"busy"}}', undefined), plain)).toBe('503');
    expect(attemptErrorType(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), plain)).toBe(
      'ECONNREFUSED',
    );
    expect(attemptErrorType(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }), plain)).toBe('UND_ERR_SOCKET');
    expect(attemptErrorType(new UpstreamBodyError('the stream ended before any output'), plain)).toBe('UpstreamBodyError');
    expect(attemptErrorType(new Error('Say hello to my prompt'), plain)).toBe('_OTHER');
    expect(attemptErrorType(Object.assign(new Error('x'), { code: 'a prompt as a code' }), plain)).toBe('_OTHER');
    expect(attemptErrorType('a string', plain)).toBe('_OTHER');
  });
});
