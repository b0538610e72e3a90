/*
 * How a call to the provider ended, as its caller saw it: passive health learns from these. A leaf of
 * its own because the tallies, the batch hash, the call walker, passive health and the API's DTO all name
 * it, and none of them should have to import the usage service to do so.
 */

export const CALL_OUTCOMES = ['success', 'error', 'timeout', 'rate_limited', 'auth_error'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Outcomes are summed in buckets this long: the circuit's window and cooldown are multiples of it. */
export const OUTCOME_BUCKET_MS = 10_000;
