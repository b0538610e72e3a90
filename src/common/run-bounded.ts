/**
 * Maps `items` through `fn` with at most `limit` calls in flight, and returns every result as a
 * PromiseSettledResult in input order. A rejection is recorded and the others keep going: health
 * probes must not let one broken provider stop the rest, and callers that never reject (probes)
 * simply read `.value`. Workers pull the next index as soon as one finishes, so one slow item holds
 * one slot, not a whole batch.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`runBounded limit must be a positive integer, got ${limit}`);
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        // `await` inside try also catches a synchronous throw from fn.
        results[index] = { status: 'fulfilled', value: await fn(items[index], index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
