import { planSelection, selectModel } from './select-model';
import { NoAvailableProviderError } from './selection.errors';
import { snapshotOf } from './__fixtures__/registry.fixture';

// Fixture: defaults text alpha/a1, embedding alpha/ae1; fallback text beta/b1, alpha/a1, gamma/g1, beta/b1; embedding gamma/ge1.
const NOW = new Date('2025-06-01T12:00:00Z');

describe(planSelection.name, () => {
  it("starts with selectModel()'s choice and lists every other available candidate in order, each once", () => {
    const plan = planSelection(snapshotOf(), { modelType: 'text', now: NOW });
    expect(plan.candidates).toEqual([
      { provider: 'alpha', model: 'a1', source: 'global_default' },
      { provider: 'beta', model: 'b1', source: 'fallback' },
      { provider: 'gamma', model: 'g1', source: 'fallback' },
    ]);
    const { skipped: _skipped, ...chosen } = selectModel(snapshotOf(), { modelType: 'text', now: NOW });
    expect(plan.candidates[0]).toEqual(chosen);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['duplicate', 'duplicate']);
  });

  it('passes over unavailable candidates with their reason', () => {
    const plan = planSelection(snapshotOf({ beta: { health: 'unhealthy' } }), { modelType: 'text', now: NOW });
    expect(plan.candidates.map((c) => c.provider)).toEqual(['alpha', 'gamma']);
    expect(plan.skipped.find((s) => s.candidate.provider === 'beta')?.reason).toBe('unhealthy');
  });

  it('never falls back to another embedding model: its vectors would not be comparable', () => {
    const plan = planSelection(snapshotOf(), { modelType: 'embedding', now: NOW });
    expect(plan.candidates).toEqual([{ provider: 'alpha', model: 'ae1', source: 'global_default' }]);
    expect(plan.skipped).toEqual([
      expect.objectContaining({ candidate: { provider: 'gamma', model: 'ge1', source: 'fallback' }, reason: 'different_embedding_model' }),
    ]);
  });

  it('throws like selectModel() when nothing is available', () => {
    const none = snapshotOf({ alpha: { enabled: false }, beta: { enabled: false }, gamma: { enabled: false }, delta: { enabled: false } });
    expect(() => planSelection(none, { modelType: 'text', now: NOW })).toThrow(NoAvailableProviderError);
  });
});
