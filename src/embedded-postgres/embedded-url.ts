/**
 * How our processes reach an embedded database served on a loopback port: any user name, and the
 * password of that start (null: a server of an earlier version, which asks for none).
 */
export function embeddedUrl(port: number, secret: string | null): string {
  const password = secret === null ? '' : `:${encodeURIComponent(secret)}`;
  return `postgresql://postgres${password}@127.0.0.1:${port}/postgres`;
}
