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

/** What a take of parallel slots left: a slot free for the caller, and whether other instances hold any. */
export interface SlotTake {
  free: boolean;
  othersHold: boolean;
}

/** One key's calls in flight on this instance, and the slots it holds for them in the database. */
export interface HeldSlots {
  /** Slots this instance holds in the database, as its last write answered (never more than the database counts). */
  held: number;
  inFlight: number;
  /** This instance's clock before it sent the last statement that renewed them (slotsUsable). */
  writtenAt: number;
  /** A take in flight; callers that find one wait for it. */
  taking: Promise<SlotTake> | null;
  /** The key's writes, one after another: each sets the slots from what the last one left. */
  writes: Promise<unknown>;
  idleTimer: NodeJS.Timeout | null;
  /** When this instance last asked the others for their idle slots of the key. */
  askedAt: number;
  /** Calls of the key here waiting to try again for a slot. */
  waiting: number;
}

export interface KeyState {
  slices: Map<AllowanceKind, Slice>;
  /** The budget window whose warning this instance has seen claimed (by it or another). */
  warnedWindow: number | null;
}

export interface Taken {
  slice: Slice;
  amount: bigint;
}
