/**
 * The bearer token of an Authorization header, or null. The scheme's name is case-insensitive
 * (RFC 9110 §11.1): `bearer x` is the same credential as `Bearer x`, as clients send either.
 */
export function bearerToken(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header) : null;
  return match ? match[1] : null;
}
