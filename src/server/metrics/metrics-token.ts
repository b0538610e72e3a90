import { createHash, timingSafeEqual } from 'node:crypto';

/** The bearer token of an Authorization header, or null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/.exec(header) : null;
  return match ? match[1] : null;
}

/** Constant-time comparison of a presented token with METRICS_TOKEN (hashed first: equal lengths, no length leak). */
export function isMetricsToken(presented: string | null, expected: string | undefined): boolean {
  if (presented === null || expected === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
