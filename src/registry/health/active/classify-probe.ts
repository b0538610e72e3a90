import type { ProbeOutcome } from '../probes/probe.types';

export type ProbeHealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface ClassifyProbeInput {
  /** Consecutive failures recorded before this probe. */
  consecutiveFailures: number;
  /** Transient failures in a row that make a provider unhealthy (values below 1 act as 1). */
  unhealthyAfter: number;
  /** A successful probe slower than this is reported as degraded. */
  degradedMs: number;
}

export interface HealthState {
  status: ProbeHealthStatus;
  consecutiveFailures: number;
  /** Short, human, safe to store and show; null when healthy (drift is reported via missingModels). */
  reason: string | null;
  latencyMs: number;
}

/**
 * Turns one probe outcome and the provider's failure streak into its next health state.
 *
 * - ok: the streak resets and one success is enough to be healthy again; slower than degradedMs is
 *   degraded ("slow: …ms").
 * - rate_limited: degraded, and the streak is left as it was (neither counted nor reset). A 429 proves
 *   the endpoint is up and, for all four APIs, that the key was accepted; it says the provider is busy,
 *   not down. Counting it would turn a busy-but-working provider unhealthy and steer all traffic away
 *   from it; resetting it would hide an outage that a throttled probe happened to interrupt.
 * - auth_failed: unhealthy at once (every real call would fail the same way); the streak still grows so
 *   the count stays an honest "failures in a row".
 * - transient: the streak grows; degraded until it reaches unhealthyAfter, then unhealthy.
 */
export function classifyProbe(outcome: ProbeOutcome, input: ClassifyProbeInput): HealthState {
  const previous = Math.max(0, Math.floor(input.consecutiveFailures));
  const unhealthyAfter = Math.max(1, Math.floor(input.unhealthyAfter));
  const latencyMs = outcome.latencyMs;

  switch (outcome.kind) {
    case 'ok':
      return latencyMs > input.degradedMs
        ? { status: 'degraded', consecutiveFailures: 0, reason: `slow: ${latencyMs}ms (limit ${input.degradedMs}ms)`, latencyMs }
        : { status: 'healthy', consecutiveFailures: 0, reason: null, latencyMs };
    case 'rate_limited':
      return { status: 'degraded', consecutiveFailures: previous, reason: `rate limited: ${outcome.detail}`, latencyMs };
    case 'auth_failed':
      return { status: 'unhealthy', consecutiveFailures: previous + 1, reason: `auth failed: ${outcome.detail}`, latencyMs };
    case 'transient': {
      const failures = previous + 1;
      const status = failures >= unhealthyAfter ? 'unhealthy' : 'degraded';
      return { status, consecutiveFailures: failures, reason: `${outcome.detail} (failure ${failures} in a row)`, latencyMs };
    }
  }
}
