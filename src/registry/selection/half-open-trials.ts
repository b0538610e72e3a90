import { phaseOf } from '../health/passive/circuit.rules';
import type { RegistrySnapshot } from '../snapshot/registry-snapshot';

/**
 * The trial calls this instance lets through half-open circuits: after a cooldown each instance
 * passes at most `limit` calls to the provider at a time, until the circuit closes (enough of them
 * succeeded) or trips again. Counted per cooldown (its end time), so a new trip starts afresh; a
 * trial older than `trialMs` (a call's time limit) no longer counts, so trials whose calls were never
 * made or never reported cannot keep the provider out for good.
 */
export class HalfOpenTrials {
  private readonly taken = new Map<string, { until: number; at: number[] }>();

  constructor(
    private readonly limit: () => number,
    private readonly trialMs: () => number,
  ) {}

  /**
   * Half-open providers with no trial left, and why, for selectModel()'s exclusions; undefined when
   * none. Runs on every selection: with no trial taken it allocates nothing.
   */
  exhausted(snapshot: RegistrySnapshot, now: Date | number): Map<string, string> | undefined {
    if (this.taken.size === 0) return undefined;
    let exclude: Map<string, string> | undefined;
    // Deleting the entry being visited (left() forgets what no longer counts) is safe in a Map's iteration.
    for (const provider of this.taken.keys()) {
      if (this.left(snapshot, provider, now) === 0) {
        (exclude ??= new Map()).set(
          provider,
          `provider ${JSON.stringify(provider)} is half-open after a trip and its ${this.limit()} trial call(s) on this instance are taken; it comes back when they succeed`,
        );
      }
    }
    return exclude;
  }

  /**
   * Takes a trial before calling `provider`: true when the call may go ahead (its circuit is not
   * half-open, or a trial was left and is now taken), false when its trials are taken.
   */
  take(snapshot: RegistrySnapshot, provider: string, now: Date | number): boolean {
    const circuit = snapshot.providers.get(provider)?.circuit;
    if (!circuit || circuit.until === null || phaseOf(circuit, now) !== 'half_open') return true;
    if (this.left(snapshot, provider, now) === 0) return false;
    const until = circuit.until.getTime();
    const at = typeof now === 'number' ? now : now.getTime();
    const trial = this.taken.get(provider);
    if (trial && trial.until === until) trial.at.push(at);
    else this.taken.set(provider, { until, at: [at] });
    return true;
  }

  /** Trials left for a half-open provider; Infinity when it is not half-open. Forgets what no longer counts. */
  private left(snapshot: RegistrySnapshot, provider: string, now: Date | number): number {
    const circuit = snapshot.providers.get(provider)?.circuit;
    const trial = this.taken.get(provider);
    if (!trial || !circuit || phaseOf(circuit, now) !== 'half_open' || circuit.until?.getTime() !== trial.until) {
      this.taken.delete(provider); // closed, tripped again or gone: its count is over
      return Infinity;
    }
    const since = (typeof now === 'number' ? now : now.getTime()) - this.trialMs();
    trial.at = trial.at.filter((at) => at > since);
    return Math.max(0, this.limit() - trial.at.length);
  }
}
