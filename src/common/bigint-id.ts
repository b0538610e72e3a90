/** The largest value of PostgreSQL's bigint (int8), the type of every id and cursor the API hands out. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/**
 * Whether `text` is a positive id PostgreSQL can read as bigint: plain digits, no sign or leading
 * zero, at most MAX_BIGINT. Anything past it would reach the query and fail there as a 500.
 */
export function isBigintId(text: string): boolean {
  return /^[1-9]\d{0,18}$/.test(text) && BigInt(text) <= MAX_BIGINT;
}
