import { planSelection, selectModel } from './select-model';
import { snapshotOf } from './__fixtures__/registry.fixture';

const NOW = new Date('2026-12-01T12:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);

/**
 * A request that names nothing is walked once per snapshot and model type and reused: these pin that
 * reuse never changes an answer (the clock still decides, callers cannot corrupt what is shared).
 */
describe('plans of requests that name nothing', () => {
  it('answers alike when reused, and a caller changing its copy changes nothing for the next', () => {
    const snapshot = snapshotOf({ alpha: { enabled: false } });
    const first = selectModel(snapshot, { modelType: 'text', now: NOW });
    first.skipped.push(first.skipped[0]);
    const plan = planSelection(snapshot, { modelType: 'text', now: NOW });
    plan.candidates.length = 0;
    plan.skipped.length = 0;
    expect(selectModel(snapshot, { modelType: 'text', now: NOW })).toEqual({
      provider: 'beta',
      model: 'b1',
      source: 'fallback',
      skipped: [expect.objectContaining({ reason: 'disabled' })],
    });
    expect(planSelection(snapshot, { modelType: 'text', now: NOW }).candidates.map((c) => c.provider)).toEqual(['beta', 'gamma']);
  });

  it('follows the clock on the same snapshot: a cooldown ending, a credential expiring, a budget window ending', () => {
    const snapshot = snapshotOf({
      alpha: { circuit: { state: 'open', until: at(1000), trips: 1, changedAt: at(-30_000), reason: 'tripped' } },
      beta: { credentialExpiresAt: at(2000) },
      gamma: { budget: { nanos: 1n, window: 'day', warnRatio: 0.8, exhaustedUntil: at(3000) } },
    });
    const providers = (ms: number) => planSelection(snapshot, { modelType: 'text', now: at(ms) }).candidates.map((c) => c.provider);
    expect(providers(0)).toEqual(['beta']);
    expect(providers(999)).toEqual(['beta']);
    expect(providers(1000)).toEqual(['alpha', 'beta']);
    expect(providers(2000)).toEqual(['alpha']);
    expect(providers(3000)).toEqual(['alpha', 'gamma']);
    // Back in time (a caller's own clock): walked again, not answered from a later plan.
    expect(providers(500)).toEqual(['beta']);
    expect(selectModel(snapshot, { modelType: 'text', now: at(500) }).provider).toBe('beta');
  });

  it('a request naming a preference, an operation or exclusions is walked for itself', () => {
    const snapshot = snapshotOf();
    expect(selectModel(snapshot, { modelType: 'text', now: NOW }).provider).toBe('alpha');
    expect(selectModel(snapshot, { modelType: 'text', now: NOW, commandOverride: { provider: 'gamma' } }).provider).toBe('gamma');
    expect(selectModel(snapshot, { modelType: 'text', now: NOW }, new Map([['alpha', 'half-open']])).provider).toBe('beta');
    expect(selectModel(snapshot, { modelType: 'text', now: NOW }).provider).toBe('alpha');
  });
});
