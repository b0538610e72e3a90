import type { HealthCheckResult } from '../../registry';
import { healthExitCode } from './health-exit';

const result = (status: HealthCheckResult['status'], probed = true): HealthCheckResult => ({
  provider: 'p',
  status,
  probed,
  reason: null,
  latencyMs: 1,
  consecutiveFailures: 0,
  listedModels: null,
  missingModels: [],
  checkedAt: new Date(0),
});

describe('healthExitCode', () => {
  it('is 0 only when every provider that was probed is healthy', () => {
    expect(healthExitCode([result('healthy'), result('healthy')], 0)).toBe(0);
    expect(healthExitCode([result('healthy'), result('degraded')], 0)).toBe(1);
    expect(healthExitCode([result('unhealthy')], 0)).toBe(1);
  });

  it('does not count a provider that was not probed (no usable credential), but does count a check that failed outright', () => {
    expect(healthExitCode([result('healthy'), result('unknown', false)], 0)).toBe(0);
    expect(healthExitCode([result('healthy')], 1)).toBe(1);
    expect(healthExitCode([], 0)).toBe(0);
  });
});
