import { classifyProbe } from './classify-probe';
import type { ProbeOutcome } from '../probes/probe.types';

const policy = { unhealthyAfter: 3, degradedMs: 1000 };
const ok = (latencyMs = 100): ProbeOutcome => ({ kind: 'ok', latencyMs, listedModels: 2, missingModels: [] });
const transient: ProbeOutcome = { kind: 'transient', latencyMs: 5000, detail: 'timed out after 5000ms' };
const rateLimited: ProbeOutcome = { kind: 'rate_limited', latencyMs: 40, detail: 'HTTP 429, retry after 20s' };
const authFailed: ProbeOutcome = { kind: 'auth_failed', latencyMs: 30, status: 401, detail: 'HTTP 401: invalid x-api-key' };

/** Feeds outcomes in order, carrying the failure streak like the health service will. */
function run(outcomes: ProbeOutcome[], start = 0) {
  let consecutiveFailures = start;
  return outcomes.map((outcome) => {
    const state = classifyProbe(outcome, { ...policy, consecutiveFailures });
    consecutiveFailures = state.consecutiveFailures;
    return state;
  });
}

describe(classifyProbe.name, () => {
  it('is healthy on a fast success and resets the streak', () => {
    expect(classifyProbe(ok(120), { ...policy, consecutiveFailures: 7 })).toEqual({
      status: 'healthy',
      consecutiveFailures: 0,
      reason: null,
      latencyMs: 120,
    });
  });

  it('is degraded on a success slower than degradedMs, at the boundary still healthy', () => {
    expect(classifyProbe(ok(1000), { ...policy, consecutiveFailures: 0 }).status).toBe('healthy');
    expect(classifyProbe(ok(1001), { ...policy, consecutiveFailures: 2 })).toEqual({
      status: 'degraded',
      consecutiveFailures: 0,
      reason: 'slow: 1001ms (limit 1000ms)',
      latencyMs: 1001,
    });
  });

  it('counts transient failures: degraded below unhealthyAfter, unhealthy from it on', () => {
    expect(run([transient, transient, transient, transient]).map((s) => [s.status, s.consecutiveFailures])).toEqual([
      ['degraded', 1],
      ['degraded', 2],
      ['unhealthy', 3],
      ['unhealthy', 4],
    ]);
    expect(run([transient])[0].reason).toBe('timed out after 5000ms (failure 1 in a row)');
  });

  it('is unhealthy on the first transient failure when unhealthyAfter is 1 (or less)', () => {
    expect(classifyProbe(transient, { consecutiveFailures: 0, unhealthyAfter: 1, degradedMs: 1000 }).status).toBe('unhealthy');
    expect(classifyProbe(transient, { consecutiveFailures: 0, unhealthyAfter: 0, degradedMs: 1000 }).status).toBe('unhealthy');
  });

  it('is unhealthy at once on auth failure and counts it', () => {
    expect(classifyProbe(authFailed, { ...policy, consecutiveFailures: 0 })).toEqual({
      status: 'unhealthy',
      consecutiveFailures: 1,
      reason: 'auth failed: HTTP 401: invalid x-api-key',
      latencyMs: 30,
    });
  });

  it('is degraded on rate limiting and leaves the streak untouched', () => {
    expect(classifyProbe(rateLimited, { ...policy, consecutiveFailures: 0 })).toEqual({
      status: 'degraded',
      consecutiveFailures: 0,
      reason: 'rate limited: HTTP 429, retry after 20s',
      latencyMs: 40,
    });
    // Rate limiting forever never makes a provider unhealthy...
    expect(run([rateLimited, rateLimited, rateLimited, rateLimited]).every((s) => s.status === 'degraded')).toBe(true);
    // ...but does not wipe an outage streak either.
    expect(run([transient, rateLimited, transient, transient]).map((s) => s.consecutiveFailures)).toEqual([1, 1, 2, 3]);
    expect(classifyProbe(rateLimited, { ...policy, consecutiveFailures: 5 }).status).toBe('degraded');
  });

  it('recovers to healthy after a single success, whatever came before', () => {
    const states = run([transient, transient, transient, ok()]);
    expect(states[2].status).toBe('unhealthy');
    expect(states[3]).toMatchObject({ status: 'healthy', consecutiveFailures: 0 });
    expect(run([authFailed, ok()])[1]).toMatchObject({ status: 'healthy', consecutiveFailures: 0 });
  });

  it('treats a garbage incoming streak as zero', () => {
    expect(classifyProbe(transient, { ...policy, consecutiveFailures: -4 }).consecutiveFailures).toBe(1);
  });
});
