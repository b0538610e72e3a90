import { EGRESS_BLOCKED } from '../../egress/probe-egress';
import { removeKeyFragments } from './key-fragments';

/**
 * Builds the short, human `detail` strings of probe outcomes. They are stored in the database and
 * shown in the UI, so they are scrubbed of secrets here, in one place: the key values sent, every
 * piece of them in their common encodings (key-fragments.ts), plus anything shaped like an API key
 * or bearer token. Text a provider wrote (an error message) is never used: it is where keys come back.
 */

const MAX_DETAIL = 200;
const KEY_SHAPES = [
  /\bBearer\s+\S+/gi,
  /\b(?:sk|rk|pk)-[A-Za-z0-9_*.-]{5,}[A-Za-z0-9_*]/g, // OpenAI, Anthropic (sk-ant-…), OpenRouter (sk-or-…), masked forms
];

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Very short "keys" (tests, local servers) would redact ordinary words; they are not secrets worth that.
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  out = removeKeyFragments(out, secrets);
  for (const shape of KEY_SHAPES) out = out.replace(shape, '[redacted]');
  return out;
}

/** One line, printable, bounded, secret-free. */
export function tidy(text: string, secrets: readonly string[] = []): string {
  const line = redact(text, secrets)
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL - 1)}…` : line;
}

/** What a provider's error field may look like to be kept: an identifier, never a sentence. */
const ERROR_FIELD = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The machine-readable fields of an error body, for the stored reason: OpenAI `{ error: { type, code } }`,
 * Anthropic `{ type: 'error', error: { type } }`, OpenRouter `{ error: { code } }`, Google-style
 * `{ error: { status } }`, or the same fields at the top level. Identifier-shaped values only, once
 * each, and not the HTTP status repeated; messages and plain-text bodies are left out on purpose.
 */
export function providerErrorFields(bodyText: string, status: number): string[] {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return [];
  }
  if (!isObject(body)) return [];
  const error = isObject(body.error) ? body.error : {};
  const candidates = [error.type, error.code, error.status, body.type === 'error' ? undefined : body.type, body.code];
  const fields = candidates
    .filter((value): value is string | number => typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value)))
    .map(String)
    .filter((value) => ERROR_FIELD.test(value) && value !== String(status));
  return [...new Set(fields)];
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or null when absent/unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed by server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by server',
  UND_ERR_HEADERS_OVERFLOW: 'response headers too large',
};

/** A fetch() rejection (undici wraps the system error in `cause`) as a short reason. */
export function describeNetworkError(error: unknown, secrets: readonly string[] = []): string {
  const cause = isObject(error) && isObject(error.cause) ? error.cause : isObject(error) ? error : {};
  const code = typeof cause.code === 'string' ? cause.code : '';
  const message = typeof cause.message === 'string' ? cause.message : String(error);
  if (NETWORK_CODES[code]) return NETWORK_CODES[code];
  if (code === EGRESS_BLOCKED) return tidy(message, secrets);
  if (/CERT|SSL|TLS/i.test(code) || /certificate|ssl|tls/i.test(message)) {
    return tidy(`TLS error: ${code || message.split('\n')[0]}`, secrets);
  }
  return tidy(`network error: ${code || message}`, secrets);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
