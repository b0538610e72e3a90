/** baseMs × 2^failures, capped: with no failure yet it is the normal cadence, and each failure in a row doubles it. */
export function retryDelayMs(failures: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(failures, 30));
}
