/** Passive health's circuit as stored (provider_configs.circuit_*): the entities, the snapshot and health share it. */
export type CircuitState = 'closed' | 'open';

export interface Circuit {
  state: CircuitState;
  /** End of the cooldown of an open circuit. */
  until: Date | null;
  trips: number;
  changedAt: Date | null;
}

/** A circuit that never tripped; also every provider's while passive health is off (a trip stored before then does not apply). */
export const CLOSED_CIRCUIT: Readonly<Circuit & { reason: null }> = {
  state: 'closed',
  until: null,
  trips: 0,
  changedAt: null,
  reason: null,
};
