/** Passive health's circuit as stored (provider_configs.circuit_*): the entities, the snapshot and health share it. */
export type CircuitState = 'closed' | 'open';

export interface Circuit {
  state: CircuitState;
  /** End of the cooldown of an open circuit. */
  until: Date | null;
  trips: number;
  changedAt: Date | null;
}
