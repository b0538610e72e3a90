import type { HealthCheckResult, SweepResult } from './api/types';

/** Pure wording and tone for what a health check saw: a check that failed is never said in green. */

/** ok: passed; warn: passed but degraded (slow, rate limited), or some checks failed; error: failed, or every check did. */
export type Tone = 'ok' | 'warn' | 'error';

type Check = Pick<HealthCheckResult, 'status' | 'probed' | 'consecutiveFailures'>;

/** Failed: not called at all, unhealthy, or a failure still under the unhealthy threshold (then only `degraded`). */
function failed(check: Check): boolean {
  return !check.probed || check.status === 'unhealthy' || check.status === 'unknown' || check.consecutiveFailures > 0;
}

export function checkTone(check: Check): Tone {
  if (failed(check)) return 'error';
  return check.status === 'degraded' ? 'warn' : 'ok';
}

/** The words before the badge of one "Test now". */
export function checkVerdict(check: Check): string {
  if (!check.probed) return 'Not tested';
  if (failed(check)) return 'Test failed';
  return check.status === 'degraded' ? 'Test passed with a warning' : 'Test passed';
}

/** What one check of a sweep is counted as. */
function counted(check: Check): string {
  if (!check.probed) return 'not called (no usable credential or base URL)';
  if (check.status === 'degraded' && failed(check)) return 'failing (degraded)';
  return check.status;
}

const ORDER = ['healthy', 'degraded', 'failing (degraded)', 'unhealthy'];

/** "1 healthy, 2 unhealthy, 1 not called (…)": the checks counted by what they saw, the best first. */
function tally(sweep: SweepResult): string {
  const counts = new Map<string, number>();
  for (const check of sweep.results) counts.set(counted(check), (counts.get(counted(check)) ?? 0) + 1);
  if (sweep.errors.length > 0) counts.set('could not be checked', sweep.errors.length);
  const rank = (what: string) => (ORDER.includes(what) ? ORDER.indexOf(what) : ORDER.length);
  return [...counts.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([what, n]) => `${n} ${what}`)
    .join(', ');
}

/** "Check all now" in words and tone: every check passed, some did not, or none did. */
export function sweepOutcome(sweep: SweepResult): { tone: Tone; text: string } {
  const total = sweep.results.length + sweep.errors.length;
  if (total === 0) return { tone: 'warn', text: 'No enabled provider to check' };
  const failures = sweep.results.filter(failed).length + sweep.errors.length;
  if (failures === total) {
    return { tone: 'error', text: `Every check failed (${total} enabled providers, ${sweep.durationMs} ms): ${tally(sweep)}` };
  }
  const tone = failures > 0 || sweep.results.some((check) => checkTone(check) === 'warn') ? 'warn' : 'ok';
  return { tone, text: `Checked ${total} enabled providers in ${sweep.durationMs} ms: ${tally(sweep)}` };
}
