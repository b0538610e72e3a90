/**
 * What never reaches a log line: the header and query parameter names that carry credentials, in one
 * place, for the request log (http-log-options.ts) and for the probes' own scrubbing of what they sent.
 * Compared case-insensitively.
 */

/** Request and response headers that carry keys, tokens or sessions (OpenAI, Anthropic, Azure, Google, proxies). */
export const SECRET_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'x-auth-token',
];

/** Query parameters that carry keys or tokens (`?key=` is Google's, `?api_key=` many others'). */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  'key',
  'api_key',
  'api-key',
  'apikey',
  'x-api-key',
  'access_token',
  'token',
  'password',
  'secret',
  'client_secret',
];

export const REDACTED = '[redacted]';

const secretHeaders = new Set(SECRET_HEADERS);
const secretParams = new Set(SECRET_QUERY_PARAMS);

export function isSecretHeader(name: string): boolean {
  return secretHeaders.has(name.toLowerCase());
}

/** `api_key`, `API_KEY`, `api%5Fkey` and `api_key[]` all name the same parameter. */
export function isSecretQueryParam(name: string): boolean {
  let decoded = name.replace(/\+/g, ' ');
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // A malformed escape: compare the raw name.
  }
  return secretParams.has(decoded.replace(/\[.*$/, '').trim().toLowerCase());
}

/** The URL (or path with query) with the value of every secret query parameter replaced; the rest byte for byte as it was. */
export function maskUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const hash = url.indexOf('#', start);
  const end = hash < 0 ? url.length : hash;
  const query = url
    .slice(start + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return isSecretQueryParam(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, start + 1)}${query}${url.slice(end)}`;
}

/** A copy of a parsed query object (the request's `query`) with secret parameters' values replaced. */
export function maskQuery(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).map(([name, value]) => [name, isSecretQueryParam(name) ? REDACTED : value]));
}

/** A copy of a headers object with secret headers' values replaced. */
export function maskHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isSecretHeader(name) ? REDACTED : value]));
}
