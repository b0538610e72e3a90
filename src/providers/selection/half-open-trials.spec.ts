import { HalfOpenTrials } from './half-open-trials';
import { selectModel } from './select-model';
import { snapshotOf } from './__fixtures__/registry.fixture';

const NOW = new Date('2026-12-01T12:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe(HalfOpenTrials.name, () => {
  const halfOpen = (until: Date) =>
    snapshotOf({ alpha: { circuit: { state: 'open', until, trips: 1, changedAt: at(-40_000), reason: 'tripped' } } });

  it('lets a few selections through a half-open circuit, then passes the provider over until the circuit changes', () => {
    const trials = new HalfOpenTrials(() => 2);
    const snapshot = halfOpen(at(-1));
    const pick = () => {
      const selection = selectModel(snapshot, { modelType: 'text', now: NOW, exclude: trials.exhausted(snapshot, NOW) });
      trials.taken(snapshot, selection.provider, NOW);
      return selection;
    };
    expect(pick().provider).toBe('alpha');
    expect(pick().provider).toBe('alpha');
    const third = pick();
    expect(third.provider).toBe('beta');
    expect(third.skipped[0]).toMatchObject({ candidate: { provider: 'alpha' }, reason: 'tripped' });
    expect(third.skipped[0].detail).toContain('its 2 trial call(s) on this instance are taken');
  });

  it('a new trip (another cooldown end) or a closed circuit starts the count afresh', () => {
    const trials = new HalfOpenTrials(() => 1);
    trials.taken(halfOpen(at(-1)), 'alpha', NOW);
    expect(trials.exhausted(halfOpen(at(-1)), NOW)?.has('alpha')).toBe(true);
    expect(trials.exhausted(halfOpen(at(-5)), NOW)).toBeUndefined();
    trials.taken(halfOpen(at(-1)), 'alpha', NOW);
    expect(trials.exhausted(snapshotOf(), NOW)).toBeUndefined();
  });

  it('counts nothing for a closed circuit or one still cooling down', () => {
    const trials = new HalfOpenTrials(() => 1);
    trials.taken(snapshotOf(), 'alpha', NOW);
    trials.taken(halfOpen(at(60_000)), 'alpha', NOW);
    expect(trials.exhausted(halfOpen(at(-1)), NOW)).toBeUndefined();
  });
});
