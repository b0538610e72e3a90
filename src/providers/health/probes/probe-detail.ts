/**
 * Builds the short, human `detail` strings of probe outcomes. They are stored in the database and
 * shown in the UI, so they are scrubbed of secrets here, in one place: the exact key values sent,
 * plus anything shaped like an API key or bearer token (some servers echo a masked or even a full
 * key back in their 401 message).
 */

const MAX_DETAIL = 200;
const KEY_SHAPES = [
  /\bBearer\s+\S+/gi,
  /\b(?:sk|rk|pk)-[A-Za-z0-9_*.\-]{5,}[A-Za-z0-9_*]/g, // OpenAI, Anthropic (sk-ant-…), OpenRouter (sk-or-…), masked forms
];

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Very short "keys" (tests, local servers) would redact ordinary words; they are not secrets worth that.
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  for (const shape of KEY_SHAPES) out = out.replace(shape, '[redacted]');
  return out;
}

/** One line, printable, bounded, secret-free. */
export function tidy(text: string, secrets: readonly string[] = []): string {
  // eslint-disable-next-line no-control-regex
  const line = redact(text, secrets).replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL - 1)}…` : line;
}

/**
 * The provider's own error message from an error body, when it has one of the documented shapes:
 * OpenAI/OpenRouter `{ error: { message } }`, Anthropic `{ type: 'error', error: { type, message } }`,
 * Ollama `{ error: '…' }`. Plain-text bodies are used as they are (HTML pages are dropped).
 */
export function providerErrorMessage(bodyText: string): string {
  const text = bodyText.trim();
  if (text === '') return '';
  try {
    const body = JSON.parse(text) as unknown;
    const error = isObject(body) ? body.error : undefined;
    if (typeof error === 'string') return error;
    if (isObject(error) && typeof error.message === 'string') return error.message;
    if (isObject(body) && typeof body.message === 'string') return body.message;
    return '';
  } catch {
    return /^<|<html/i.test(text) ? '' : text;
  }
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
  if (/CERT|SSL|TLS/i.test(code) || /certificate|ssl|tls/i.test(message)) {
    return tidy(`TLS error: ${code || message.split('\n')[0]}`, secrets);
  }
  return tidy(`network error: ${code || message}`, secrets);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
