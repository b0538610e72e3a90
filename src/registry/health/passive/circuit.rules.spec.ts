import { circuitWindowStart, CircuitRules, cooldownMs, decideCircuit, phaseOf } from './circuit.rules';
import { Circuit } from '../../kernel/circuit';

const RULES: CircuitRules = {
  minCalls: 20,
  errorPercent: 50,
  windowMs: 60_000,
  cooldownMs: 30_000,
  maxCooldownMs: 600_000,
  halfOpenCalls: 3,
};
const NOW = new Date('2026-12-01T12:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
const closed: Circuit = { state: 'closed', until: null, trips: 0, changedAt: null };

describe('decideCircuit', () => {
  it('trips a closed circuit when enough calls were made and the error share reaches the threshold', () => {
    expect(decideCircuit(closed, { successes: 8, failures: 12 }, RULES, NOW)).toEqual({
      circuit: { state: 'open', until: at(30_000), trips: 1, changedAt: NOW },
      reason: 'tripped: 12 of 20 calls failed in 60 s',
      status: 'unhealthy',
    });
    expect(decideCircuit(closed, { successes: 10, failures: 10 }, RULES, NOW)?.circuit.state).toBe('open');
  });

  it('stays closed below the minimum number of calls or below the error share', () => {
    expect(decideCircuit(closed, { successes: 0, failures: 19 }, RULES, NOW)).toBeNull();
    expect(decideCircuit(closed, { successes: 11, failures: 9 }, RULES, NOW)).toBeNull();
  });

  it('stays open during the cooldown whatever the outcomes (calls still in flight when it tripped)', () => {
    const open: Circuit = { state: 'open', until: at(10_000), trips: 1, changedAt: at(-20_000) };
    expect(phaseOf(open, NOW)).toBe('open');
    expect(decideCircuit(open, { successes: 50, failures: 50 }, RULES, NOW)).toBeNull();
  });

  it('half-open: a failed trial call opens it again for a doubled cooldown (exponential backoff, capped)', () => {
    const halfOpen: Circuit = { state: 'open', until: at(-1), trips: 1, changedAt: at(-30_001) };
    expect(phaseOf(halfOpen, NOW)).toBe('half_open');
    const change = decideCircuit(halfOpen, { successes: 1, failures: 1 }, RULES, NOW);
    expect(change).toEqual({
      circuit: { state: 'open', until: at(60_000), trips: 2, changedAt: NOW },
      reason: 'tripped again: 1 of 2 trial calls failed after the cooldown',
      status: 'unhealthy',
    });
    expect(cooldownMs(3, RULES)).toBe(120_000);
    expect(cooldownMs(10, RULES)).toBe(600_000);
    expect(cooldownMs(1000, RULES)).toBe(600_000);
  });

  it('half-open: enough successful trial calls without a failure close it and forget the trips', () => {
    const halfOpen: Circuit = { state: 'open', until: at(-1), trips: 4, changedAt: at(-300_000) };
    expect(decideCircuit(halfOpen, { successes: 2, failures: 0 }, RULES, NOW)).toBeNull();
    expect(decideCircuit(halfOpen, { successes: 3, failures: 0 }, RULES, NOW)).toEqual({
      circuit: { state: 'closed', until: null, trips: 0, changedAt: NOW },
      reason: 'closed: 3 trial calls succeeded after the cooldown',
      status: 'healthy',
    });
  });
});

describe('circuitWindowStart', () => {
  it("closed: the window, but never before the circuit last changed, nor that change's bucket (hysteresis)", () => {
    expect(circuitWindowStart(closed, RULES, NOW)).toEqual(at(-60_000));
    expect(circuitWindowStart({ ...closed, changedAt: at(-10_000) }, RULES, NOW)).toEqual(at(-10_000));
    expect(circuitWindowStart({ ...closed, changedAt: at(-15_000) }, RULES, NOW)).toEqual(at(-10_000));
  });

  it('a cooldown ends on a bucket boundary', () => {
    const change = decideCircuit(closed, { successes: 0, failures: 20 }, RULES, at(3_500));
    expect(change?.circuit.until).toEqual(at(40_000));
  });

  it('open or half-open: only what came after the cooldown (the trial calls)', () => {
    expect(circuitWindowStart({ state: 'open', until: at(-2_000), trips: 1, changedAt: at(-32_000) }, RULES, NOW)).toEqual(at(-2_000));
  });
});
