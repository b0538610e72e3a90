import type { Circuit } from '../../kernel/circuit';
import { OUTCOME_BUCKET_MS } from '../../kernel/call-outcomes';

/**
 * Outcomes are summed in buckets; the circuit's boundaries are put on bucket boundaries, so that a
 * window starting at one takes whole buckets: all of a bucket's outcomes came after it, none before.
 */
function nextBucketStart(at: number): number {
  return Math.ceil(at / OUTCOME_BUCKET_MS) * OUTCOME_BUCKET_MS;
}

/** Outcomes of real calls, summed over every instance's buckets since `windowStart` (circuitWindowStart). */
export interface CallStats {
  successes: number;
  failures: number;
}

export interface CircuitRules {
  minCalls: number;
  /** Percent of failed calls that trips. */
  errorPercent: number;
  windowMs: number;
  cooldownMs: number;
  maxCooldownMs: number;
  /** Successes in half-open that close the circuit. */
  halfOpenCalls: number;
}

/** What to store when the circuit changes; `reason` also goes into the health history. */
export interface CircuitChange {
  circuit: Circuit;
  reason: string;
  /** The health the history row records for this decision. */
  status: 'unhealthy' | 'healthy';
}

export type CircuitPhase = 'closed' | 'open' | 'half_open';

export function phaseOf(circuit: Pick<Circuit, 'state' | 'until'>, now: Date | number): CircuitPhase {
  if (circuit.state === 'closed') return 'closed';
  return circuit.until !== null && (typeof now === 'number' ? now : now.getTime()) < circuit.until.getTime() ? 'open' : 'half_open';
}

/**
 * Which outcomes the next decision looks at. Closed: the window, but nothing from before the circuit
 * last changed (the failures that tripped it, the trials that closed it), so one burst cannot trip
 * it twice. Half-open: only the trial calls, made after the cooldown ended.
 */
export function circuitWindowStart(circuit: Circuit, rules: Pick<CircuitRules, 'windowMs'>, now: Date): Date {
  const windowStart = now.getTime() - rules.windowMs;
  // until is on a bucket boundary already (decideCircuit puts it there).
  if (circuit.state === 'open') return circuit.until ?? now;
  // A change mid-bucket (a probe closing it): that bucket may hold outcomes from before it, so it is left out.
  const changed = circuit.changedAt === null ? -Infinity : nextBucketStart(circuit.changedAt.getTime());
  return new Date(Math.max(windowStart, changed));
}

/** Each trip in a row doubles the cooldown, up to the maximum. */
export function cooldownMs(trips: number, rules: Pick<CircuitRules, 'cooldownMs' | 'maxCooldownMs'>): number {
  return Math.min(rules.maxCooldownMs, rules.cooldownMs * 2 ** Math.max(0, Math.min(trips - 1, 30)));
}

/**
 * The circuit's next state from the outcomes since circuitWindowStart(), or null when it stays.
 * Closed → open when at least minCalls calls were made and errorPercent of them failed. Open stays
 * open until the cooldown ends; then (half-open) a failed trial call opens it again for a doubled
 * cooldown, and halfOpenCalls successes without a failure close it and forget the trips.
 */
export function decideCircuit(circuit: Circuit, stats: CallStats, rules: CircuitRules, now: Date): CircuitChange | null {
  const calls = stats.successes + stats.failures;
  const open = (trips: number, reason: string): CircuitChange => ({
    // The cooldown ends on a bucket boundary: the trial calls after it are then counted apart from what came before.
    circuit: { state: 'open', until: new Date(nextBucketStart(now.getTime() + cooldownMs(trips, rules))), trips, changedAt: now },
    reason,
    status: 'unhealthy',
  });
  switch (phaseOf(circuit, now)) {
    case 'closed':
      if (calls < rules.minCalls || stats.failures * 100 < rules.errorPercent * calls) return null;
      return open(circuit.trips + 1, `tripped: ${stats.failures} of ${calls} calls failed in ${Math.round(rules.windowMs / 1000)} s`);
    case 'open':
      return null;
    case 'half_open':
      if (stats.failures > 0) {
        return open(circuit.trips + 1, `tripped again: ${stats.failures} of ${calls} trial calls failed after the cooldown`);
      }
      if (stats.successes < rules.halfOpenCalls) return null;
      return {
        circuit: { state: 'closed', until: null, trips: 0, changedAt: now },
        reason: `closed: ${stats.successes} trial calls succeeded after the cooldown`,
        status: 'healthy',
      };
  }
}
