import { BoundedQueue } from './bounded-queue';

describe(BoundedQueue.name, () => {
  it('gives items back oldest first, in takes of at most the size asked', () => {
    const q = new BoundedQueue<number>(5);
    for (const n of [1, 2, 3]) expect(q.push(n)).toBe(false);
    expect(q.take(2)).toEqual([1, 2]);
    q.push(4);
    expect(q.size).toBe(2);
    expect(q.take(10)).toEqual([3, 4]);
    expect(q.take(10)).toEqual([]);
  });

  it('past its capacity drops the oldest, saying so, and never holds more', () => {
    const q = new BoundedQueue<number>(3);
    const dropped = [1, 2, 3, 4, 5, 6, 7].map((n) => q.push(n));
    expect(dropped).toEqual([false, false, false, true, true, true, true]);
    expect(q.size).toBe(3);
    expect(q.take(3)).toEqual([5, 6, 7]);
  });

  it('wraps around its ring across many pushes and takes', () => {
    const q = new BoundedQueue<number>(4);
    const out: number[] = [];
    for (let n = 0; n < 100; n++) {
      q.push(n);
      if (n % 3 === 2) out.push(...q.take(2));
    }
    out.push(...q.take(10));
    expect(out).toEqual([...out].sort((a, b) => a - b));
    expect(new Set(out).size).toBe(out.length);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
