/** The spans a provider's health history can be viewed over, and the bucket each is drawn in. */
export const HEALTH_WINDOWS = ['24h', '7d'] as const;
export type HealthWindow = (typeof HEALTH_WINDOWS)[number];

/**
 * 96 buckets of 15 minutes for a day and 84 of 2 hours for a week: enough points to see a pattern
 * with the default 5-minute sweep (3 and 24 checks a bucket), few enough for a chart to stay light.
 */
export function windowSpan(window: HealthWindow): { windowSeconds: number; bucketSeconds: number } {
  switch (window) {
    case '24h':
      return { windowSeconds: 24 * 3600, bucketSeconds: 15 * 60 };
    case '7d':
      return { windowSeconds: 7 * 24 * 3600, bucketSeconds: 2 * 3600 };
  }
}
