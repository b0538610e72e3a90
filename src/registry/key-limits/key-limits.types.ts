import type { AllowanceKind } from './key-limits.rules';

/** What a call may cost at worst, reserved before it runs. */
export interface CallEstimate {
  /** Input bound + the most output it may produce. */
  tokens: bigint;
  /** The tokens' worst case at the catalog's prices, over every candidate that may answer. */
  usdNanos: bigint;
}

/** What a call really used, when it ended: who answered and the tokens the answer reported. */
export interface CallActual {
  provider: string;
  model: string;
  inputTokens?: number;
  outputTokens?: number;
}

/** One window of one limit of one key, as this instance holds it. */
export interface Slice {
  kind: AllowanceKind;
  windowStart: number;
  windowEnd: number;
  /** Leased and not yet used (negative: a call cost more than its reservation, owed to the next lease). */
  local: bigint;
  /** Every instance's leases in this window, as the last lease answered. */
  seen: bigint;
  leasing: Promise<void> | null;
}

export interface ParallelSlots {
  /** Leased slots not in use. */
  free: number;
  inFlight: number;
  leasing: Promise<void> | null;
  idleTimer: NodeJS.Timeout | null;
}

export interface KeyState {
  slices: Map<AllowanceKind, Slice>;
  parallel: ParallelSlots;
  /** The budget window whose warning this instance has seen claimed (by it or another). */
  warnedWindow: number | null;
}

export interface Taken {
  slice: Slice;
  amount: bigint;
}
