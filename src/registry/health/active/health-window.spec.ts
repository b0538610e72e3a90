import { HEALTH_WINDOWS, windowSpan } from './health-window';

describe(windowSpan.name, () => {
  it('divides each window into a whole number of buckets', () => {
    for (const window of HEALTH_WINDOWS) {
      const { windowSeconds, bucketSeconds } = windowSpan(window);
      expect(windowSeconds % bucketSeconds).toBe(0);
      expect(windowSeconds / bucketSeconds).toBeLessThanOrEqual(100);
    }
    expect(windowSpan('24h')).toEqual({ windowSeconds: 86_400, bucketSeconds: 900 });
    expect(windowSpan('7d')).toEqual({ windowSeconds: 604_800, bucketSeconds: 7_200 });
  });
});
