import { HalfOpenTrials } from './half-open-trials';
import { selectModel } from './select-model';
import { snapshotOf } from './__fixtures__/registry.fixture';

const NOW = new Date('2026-12-01T12:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe(HalfOpenTrials.name, () => {
  const halfOpen = (until: Date) =>
    snapshotOf({ alpha: { circuit: { state: 'open', until, trips: 1, changedAt: at(-40_000), reason: 'tripped' } } });

  it('lets a few selections through a half-open circuit, then passes the provider over until the circuit changes', () => {
    const trials = new HalfOpenTrials(
      () => 2,
      () => 60_000,
    );
    const snapshot = halfOpen(at(-1));
    const pick = () => {
      const selection = selectModel(snapshot, { modelType: 'text', now: NOW }, trials.exhausted(snapshot, NOW));
      trials.take(snapshot, selection.provider, NOW);
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
    const trials = new HalfOpenTrials(
      () => 1,
      () => 60_000,
    );
    trials.take(halfOpen(at(-1)), 'alpha', NOW);
    expect(trials.exhausted(halfOpen(at(-1)), NOW)?.has('alpha')).toBe(true);
    expect(trials.exhausted(halfOpen(at(-5)), NOW)).toBeUndefined();
    trials.take(halfOpen(at(-1)), 'alpha', NOW);
    expect(trials.exhausted(snapshotOf(), NOW)).toBeUndefined();
  });

  it('a trial older than a call can take no longer counts, so unreported trials never keep the provider out', () => {
    const trials = new HalfOpenTrials(
      () => 1,
      () => 60_000,
    );
    const snapshot = halfOpen(at(-1));
    expect(trials.take(snapshot, 'alpha', NOW)).toBe(true);
    expect(trials.take(snapshot, 'alpha', at(59_000))).toBe(false);
    expect(trials.exhausted(snapshot, at(60_001))).toBeUndefined();
    expect(trials.take(snapshot, 'alpha', at(60_001))).toBe(true);
  });

  it('counts nothing for a closed circuit or one still cooling down', () => {
    const trials = new HalfOpenTrials(
      () => 1,
      () => 60_000,
    );
    trials.take(snapshotOf(), 'alpha', NOW);
    trials.take(halfOpen(at(60_000)), 'alpha', NOW);
    expect(trials.exhausted(halfOpen(at(-1)), NOW)).toBeUndefined();
  });
});
