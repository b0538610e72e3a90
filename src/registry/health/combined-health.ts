import type { HealthStatus } from '../kernel/health-status';
import { phaseOf } from './passive/circuit.rules';
import { type Circuit } from '../kernel/circuit';

export interface CombinedHealth {
  status: HealthStatus;
  reason: string | null;
  decidedBy: 'probe' | 'traffic';
}

/**
 * The one health state of a provider from both sources: the last probe's, unless real calls tripped
 * its circuit, which then decides (unhealthy, with the trip's reason) until the cooldown ends.
 */
export function combinedHealth(
  probe: { status: HealthStatus; reason: string | null },
  circuit: (Pick<Circuit, 'state' | 'until'> & { reason: string | null }) | undefined,
  now: Date,
): CombinedHealth {
  if (circuit && phaseOf(circuit, now) === 'open') return { status: 'unhealthy', reason: circuit.reason, decidedBy: 'traffic' };
  return { ...probe, decidedBy: 'probe' };
}
