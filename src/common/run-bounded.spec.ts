import { runBounded } from './run-bounded';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(runBounded.name, () => {
  it('never has more than `limit` calls in flight, and uses all of them', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const items = Array.from({ length: 25 }, (_, i) => i);
    await runBounded(items, 4, async (i) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(1 + ((i * 7) % 5));
      inFlight--;
    });
    expect(maxInFlight).toBe(4);
    expect(inFlight).toBe(0);
  });

  it('returns results in input order even when later items finish first', async () => {
    const results = await runBounded([30, 1, 20, 2, 10], 3, async (ms, index) => {
      await sleep(ms);
      return `${index}:${ms}`;
    });
    expect(results).toEqual([
      { status: 'fulfilled', value: '0:30' },
      { status: 'fulfilled', value: '1:1' },
      { status: 'fulfilled', value: '2:20' },
      { status: 'fulfilled', value: '3:2' },
      { status: 'fulfilled', value: '4:10' },
    ]);
  });

  it('records a rejection (or synchronous throw) and keeps going with the rest', async () => {
    const seen: number[] = [];
    const results = await runBounded([1, 2, 3, 4], 1, (n) => {
      seen.push(n);
      if (n === 2) throw new Error('sync boom');
      if (n === 3) return Promise.reject(new Error('async boom'));
      return Promise.resolve(n * 10);
    });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      10,
      'sync boom',
      'async boom',
      40,
    ]);
  });

  it('starts a new call as soon as a slot frees up, not per batch', async () => {
    const events: string[] = [];
    let releaseFirst!: () => void;
    const first = new Promise<void>((resolve) => (releaseFirst = resolve));
    await runBounded([0, 1, 2, 3], 2, async (item) => {
      events.push(`start ${item}`);
      if (item === 0) await first;
      else await sleep(1);
      events.push(`end ${item}`);
      // Item 0 holds its slot until the last item has run in the other one.
      if (item === 3) releaseFirst();
    });
    // Items 2 and 3 ran in the second slot while item 0 still held the first.
    expect(events).toEqual(['start 0', 'start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3', 'end 0']);
  });

  it('handles an empty list and a limit larger than the list', async () => {
    await expect(runBounded([], 3, async () => 1)).resolves.toEqual([]);
    await expect(runBounded([1], 50, async (n) => n)).resolves.toEqual([{ status: 'fulfilled', value: 1 }]);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects limit %p', async (limit) => {
    await expect(runBounded([1], limit, async (n) => n)).rejects.toThrow(RangeError);
  });
});
