import { phaseOf } from '../health/circuit.rules';
import type { RegistrySnapshot } from './registry-snapshot';

/**
 * The trial calls this instance lets through half-open circuits: after a cooldown each instance
 * passes at most `limit` selections to the provider, until the circuit closes (enough of them
 * succeeded) or trips again. Counted per cooldown (its end time), so a new trip starts afresh.
 */
export class HalfOpenTrials {
  private readonly used = new Map<string, { until: number; count: number }>();

  constructor(private readonly limit: () => number) {}

  /** Half-open providers with no trial left, and why, for SelectionRequest.exclude; undefined when none. */
  exhausted(snapshot: RegistrySnapshot, now: Date): Map<string, string> | undefined {
    let exclude: Map<string, string> | undefined;
    for (const [provider, trial] of this.used) {
      const circuit = snapshot.providers.get(provider)?.circuit;
      if (!circuit || phaseOf(circuit, now) !== 'half_open' || circuit.until?.getTime() !== trial.until) {
        this.used.delete(provider); // closed, tripped again or gone: its count is over
        continue;
      }
      if (trial.count >= this.limit()) {
        (exclude ??= new Map()).set(
          provider,
          `provider ${JSON.stringify(provider)} is half-open after a trip and its ${this.limit()} trial call(s) on this instance are taken; it comes back when they succeed`,
        );
      }
    }
    return exclude;
  }

  /** Counts a selection of `provider` if its circuit is half-open. */
  taken(snapshot: RegistrySnapshot, provider: string, now: Date): void {
    const circuit = snapshot.providers.get(provider)?.circuit;
    if (!circuit || circuit.until === null || phaseOf(circuit, now) !== 'half_open') return;
    const until = circuit.until.getTime();
    const trial = this.used.get(provider);
    if (trial && trial.until === until) trial.count++;
    else this.used.set(provider, { until, count: 1 });
  }
}
