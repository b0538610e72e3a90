import type { HealthCheckResult, SweepResult } from '../../../admin/src/api/types';
import { checkTone, checkVerdict, sweepOutcome } from '../../../admin/src/check-outcome';

function check(over: Partial<HealthCheckResult>): HealthCheckResult {
  return {
    provider: 'openai',
    status: 'healthy',
    reason: null,
    latencyMs: 120,
    consecutiveFailures: 0,
    probed: true,
    checkedAt: '2026-12-05T04:00:00.000Z',
    ...over,
  };
}

const sweep = (results: HealthCheckResult[], errors: SweepResult['errors'] = []): SweepResult => ({
  startedAt: '2026-12-05T04:00:00.000Z',
  durationMs: 42,
  results,
  errors,
});

const unhealthy = check({ provider: 'anthropic', status: 'unhealthy', reason: 'auth failed', consecutiveFailures: 1 });
const notCalled = check({ provider: 'openrouter', status: 'unknown', probed: false, latencyMs: null, reason: 'no usable credential' });

describe('what a health check saw, in words and tone', () => {
  it('a test passes in green only when healthy; slow is a warning; a failure (even a first, only degraded one) is an error', () => {
    expect([checkVerdict(check({})), checkTone(check({}))]).toEqual(['Test passed', 'ok']);
    const slow = check({ status: 'degraded', latencyMs: 3400, reason: 'slow: 3400ms (limit 3000ms)' });
    expect([checkVerdict(slow), checkTone(slow)]).toEqual(['Test passed with a warning', 'warn']);
    const firstFailure = check({ status: 'degraded', consecutiveFailures: 1, reason: 'HTTP 500 (failure 1 in a row)' });
    expect([checkVerdict(firstFailure), checkTone(firstFailure)]).toEqual(['Test failed', 'error']);
    expect([checkVerdict(unhealthy), checkTone(unhealthy)]).toEqual(['Test failed', 'error']);
    expect([checkVerdict(notCalled), checkTone(notCalled)]).toEqual(['Not tested', 'error']);
  });

  it('a sweep is an error when every check failed, a warning when some did or were slow, green only when all passed', () => {
    expect(sweepOutcome(sweep([unhealthy, notCalled]))).toEqual({
      tone: 'error',
      text: 'Every check failed (2 enabled providers, 42 ms): 1 unhealthy, 1 not called (no usable credential or base URL)',
    });
    expect(sweepOutcome(sweep([check({}), unhealthy]))).toEqual({
      tone: 'warn',
      text: 'Checked 2 enabled providers in 42 ms: 1 healthy, 1 unhealthy',
    });
    expect(sweepOutcome(sweep([check({}), check({ status: 'degraded' })])).tone).toBe('warn');
    expect(sweepOutcome(sweep([check({}), check({ provider: 'ollama' })]))).toEqual({
      tone: 'ok',
      text: 'Checked 2 enabled providers in 42 ms: 2 healthy',
    });
  });

  it('counts providers that could not be checked as failures, and says when there was nothing to check', () => {
    expect(sweepOutcome(sweep([], [{ provider: 'openai', error: 'database gone' }]))).toEqual({
      tone: 'error',
      text: 'Every check failed (1 enabled providers, 42 ms): 1 could not be checked',
    });
    expect(sweepOutcome(sweep([]))).toEqual({ tone: 'warn', text: 'No enabled provider to check' });
  });
});
