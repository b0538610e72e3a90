import { planModel } from './plan-model';
import { UnknownModelError } from './selection.errors';
import { snapshotOf } from './__fixtures__/registry.fixture';

const NOW = Date.parse('2026-12-01T12:00:00Z');
/** gamma offers alpha's a1 too (served by both, as an open model often is). */
const shared = { gamma: { models: { text: ['g1', 'a1'], embedding: ['ge1'] } } };

describe('planModel: a request that names its model', () => {
  it('provider/model: that one alone, whatever the fallback chain says', () => {
    const plan = planModel(snapshotOf(shared), 'text', { provider: 'gamma', model: 'a1' }, undefined, NOW);
    expect(plan).toEqual({ candidates: [{ provider: 'gamma', model: 'a1', source: 'command_override' }], skipped: [] });
  });

  it('provider/model unavailable: no candidate, and the reason', () => {
    const plan = planModel(snapshotOf({ alpha: { enabled: false } }), 'text', { provider: 'alpha', model: 'a2' }, undefined, NOW);
    expect(plan.candidates).toEqual([]);
    expect(plan.skipped).toEqual([
      expect.objectContaining({ reason: 'disabled', candidate: expect.objectContaining({ provider: 'alpha' }) }),
    ]);
  });

  it('a bare model id: every provider offering it, preferred first, the unavailable ones passed over with why', () => {
    const plan = planModel(snapshotOf(shared), 'text', { model: 'a1' }, undefined, NOW);
    expect(plan.candidates.map((c) => c.provider)).toEqual(['alpha', 'gamma']);
    const tripped = new Map([['alpha', 'its half-open trial calls are taken']]);
    const without = planModel(snapshotOf(shared), 'text', { model: 'a1' }, tripped, NOW);
    expect(without.candidates.map((c) => c.provider)).toEqual(['gamma']);
    expect(without.skipped).toEqual([expect.objectContaining({ reason: 'tripped', detail: 'its half-open trial calls are taken' })]);
  });

  it('follows the clock: a credential that expired is passed over', () => {
    const snapshot = snapshotOf({ ...shared, alpha: { credentialExpiresAt: new Date(NOW - 1) } });
    const plan = planModel(snapshot, 'text', { model: 'a1' }, undefined, NOW);
    expect(plan.candidates.map((c) => c.provider)).toEqual(['gamma']);
    expect(plan.skipped[0].reason).toBe('credential_expired');
  });

  it('a model nobody offers, of that type, or an unknown provider: UnknownModelError (the caller’s mistake, not an outage)', () => {
    const snapshot = snapshotOf();
    expect(() => planModel(snapshot, 'text', { model: 'nope' })).toThrow(UnknownModelError);
    expect(() => planModel(snapshot, 'text', { model: 'ae1' })).toThrow(/no provider in the registry offers a text model "ae1"/);
    expect(() => planModel(snapshot, 'embedding', { model: 'nope' })).toThrow(
      /no provider in the registry offers an embedding model "nope"/,
    );
    expect(() => planModel(snapshot, 'text', { provider: 'zeta', model: 'a1' })).toThrow(/provider "zeta" is not in the registry/);
    expect(() => planModel(snapshot, 'embedding', { provider: 'alpha', model: 'a1' })).toThrow(/offers no embedding model "a1"/);
  });
});
