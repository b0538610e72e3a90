import { APICallError, EmptyResponseBodyError, InvalidPromptError, JSONParseError } from 'ai';
import { failsWholeProvider, judgeAttempt, judgeStatus } from './call-outcome';

const calm = { callerAborted: false, timedOut: false };
const httpError = (statusCode: number | undefined) =>
  new APICallError({ message: 'x', url: 'http://127.0.0.1/v1/chat/completions', requestBodyValues: {}, statusCode, isRetryable: false });

describe(judgeAttempt.name, () => {
  it.each([
    [401, 'auth_error'],
    [403, 'auth_error'],
    [429, 'rate_limited'],
    [408, 'timeout'],
    [500, 'error'],
    [502, 'error'],
    [529, 'error'],
  ])('HTTP %i is retryable elsewhere, outcome %s', (status, outcome) => {
    expect(judgeAttempt(httpError(status), calm)).toEqual({ outcome, retryable: true, status });
  });

  it.each([400, 404, 413, 422])('HTTP %i is the request at fault: no fallback, no health signal', (status) => {
    expect(judgeAttempt(httpError(status), calm)).toEqual({ outcome: undefined, retryable: false, status });
  });

  it('judges by status, not by the SDK isRetryable flag (it calls 401 final and 409 retryable)', () => {
    expect(judgeStatus(409)).toEqual({ outcome: undefined, retryable: false });
    expect(judgeStatus(401)).toEqual({ outcome: 'auth_error', retryable: true });
  });

  it('a 200 whose body could not be read is the provider failing', () => {
    expect(judgeAttempt(httpError(200), calm)).toEqual({ outcome: 'error', retryable: true, status: 200 });
  });

  it('an APICallError without a status is a connection failure', () => {
    expect(judgeAttempt(httpError(undefined), calm)).toEqual({ outcome: 'error', retryable: true });
  });

  it('fetch failures and socket errors are connection failures', () => {
    expect(judgeAttempt(new TypeError('fetch failed'), calm)).toEqual({ outcome: 'error', retryable: true });
    expect(judgeAttempt(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), calm)).toEqual({
      outcome: 'error',
      retryable: true,
    });
    expect(judgeAttempt(new TypeError('terminated', { cause: { code: 'ECONNRESET' } }), calm)).toMatchObject({ retryable: true });
  });

  it('an unreadable answer is the provider failing', () => {
    expect(judgeAttempt(new JSONParseError({ text: '{"x', cause: new Error('bad') }), calm)).toEqual({ outcome: 'error', retryable: true });
    expect(judgeAttempt(new EmptyResponseBodyError(), calm)).toEqual({ outcome: 'error', retryable: true });
  });

  it('an error raised before anything was sent is the caller’s', () => {
    expect(judgeAttempt(new InvalidPromptError({ prompt: '', message: 'bad prompt' }), calm)).toEqual({
      outcome: undefined,
      retryable: false,
      notSent: true,
    });
    expect(judgeAttempt(new RangeError('bug'), calm)).toEqual({ outcome: undefined, retryable: false, notSent: true });
  });

  it('an address the egress policy refuses: nothing sent, no health signal, another candidate may be allowed', () => {
    const blocked = Object.assign(new Error('base URL host localhost resolves to 127.0.0.1, which is not allowed'), {
      code: 'EGRESS_BLOCKED',
    });
    const viaSdk = new APICallError({
      message: `Cannot connect to API: ${blocked.message}`,
      url: 'http://localhost/v1/chat/completions',
      requestBodyValues: {},
      cause: blocked,
      isRetryable: true,
    });
    expect(judgeAttempt(viaSdk, calm)).toEqual({ outcome: undefined, retryable: true, notSent: true });
    expect(judgeAttempt(new TypeError('fetch failed', { cause: blocked }), calm)).toEqual({
      outcome: undefined,
      retryable: true,
      notSent: true,
    });
  });

  it('the per-attempt timeout is a timeout, whatever error the abort surfaced as', () => {
    expect(judgeAttempt(new DOMException('aborted', 'AbortError'), { callerAborted: false, timedOut: true })).toEqual({
      outcome: 'timeout',
      retryable: true,
    });
  });

  it('the caller aborting is never a provider failure nor a reason to try another, even after a timeout fired', () => {
    for (const timedOut of [false, true]) {
      expect(judgeAttempt(httpError(500), { callerAborted: true, timedOut })).toEqual({ outcome: undefined, retryable: false });
    }
  });
});

describe(failsWholeProvider.name, () => {
  it('a refused key, a timeout or an unreachable provider rules out its other models too', () => {
    expect(failsWholeProvider(judgeAttempt(httpError(401), calm))).toBe(true);
    expect(failsWholeProvider(judgeAttempt(httpError(403), calm))).toBe(true);
    expect(failsWholeProvider(judgeAttempt(new Error('x'), { callerAborted: false, timedOut: true }))).toBe(true);
    expect(failsWholeProvider(judgeAttempt(new TypeError('fetch failed'), calm))).toBe(true);
  });

  it('a 5xx, a 429 or a body broken off may be one model’s: its other models are still tried', () => {
    for (const status of [500, 503, 429, 200]) expect(failsWholeProvider(judgeAttempt(httpError(status), calm))).toBe(false);
  });
});
