import type { HealthStatus } from '../kernel/health-status';
import { phaseOf } from './passive/circuit.rules';
import { type Circuit } from '../kernel/circuit';

export interface CombinedHealth {
  status: HealthStatus;
  reason: string | null;
  decidedBy: 'probe' | 'traffic';
}

/** A check's reason when it found no credential to probe with (nothing was sent). */
export const NO_USABLE_CREDENTIAL = 'no usable credential (missing, inactive or expired)';

/** Shown instead of it once a usable credential was stored (elsewhere than where a probe followed, e.g. by the CLI). */
export const CREDENTIAL_STORED_SINCE =
  'a usable credential was stored after the last check, which found none: not checked with it yet (the next sweep does, or test it now)';

/**
 * The one health state of a provider from both sources: the last probe's, unless real calls tripped
 * its circuit, which then decides (unhealthy, with the trip's reason) until the cooldown ends. A
 * probe's "no usable credential" is not repeated once `credentialUsable` says one was stored since.
 */
export function combinedHealth(
  probe: { status: HealthStatus; reason: string | null },
  circuit: (Pick<Circuit, 'state' | 'until'> & { reason: string | null }) | undefined,
  now: Date,
  credentialUsable = false,
): CombinedHealth {
  if (circuit && phaseOf(circuit, now) === 'open') return { status: 'unhealthy', reason: circuit.reason, decidedBy: 'traffic' };
  const stale = credentialUsable && probe.reason === NO_USABLE_CREDENTIAL;
  return { ...probe, ...(stale ? { reason: CREDENTIAL_STORED_SINCE } : {}), decidedBy: 'probe' };
}
