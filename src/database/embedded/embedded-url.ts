/** How our processes reach an embedded database served on a loopback port (any user/password work). */
export function embeddedUrl(port: number): string {
  return `postgresql://postgres@127.0.0.1:${port}/postgres`;
}
