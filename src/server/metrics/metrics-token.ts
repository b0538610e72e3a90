import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of a presented token with METRICS_TOKEN (hashed first: equal lengths, no length leak). */
export function isMetricsToken(presented: string | null, expected: string | undefined): boolean {
  if (presented === null || expected === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
