import type { HealthCheckResult } from '../../registry';

/**
 * `ai:health` as a deploy gate or a cron check: 0 when every provider it could check is healthy,
 * 1 otherwise (degraded and unhealthy alike, and a check that failed outright). A provider that was
 * not probed (no usable credential) was not checked, so it does not fail the gate; the table says so.
 */
export function healthExitCode(results: readonly HealthCheckResult[], errors: number): 0 | 1 {
  if (errors > 0) return 1;
  return results.every((result) => !result.probed || result.status === 'healthy') ? 0 : 1;
}
