import type { Response } from 'undici';
import { isSecretHeader } from '../../../common/logging/redaction';
import { defaultProbeEgress, type ProbeEgress } from '../../egress/probe-egress';
import { loadUndici } from '../../egress/undici';
import { describeNetworkError, providerErrorFields, retryAfterSeconds, tidy } from './probe-detail';
import type { ProbeFailure, ProbeOptions } from './probe.types';

/**
 * The most a probe reads of a 2xx body. Every byte read is held until the body is parsed, so a sweep
 * holds up to this × HEALTH_CONCURRENCY (plus the parsed objects); model lists of OpenAI, Anthropic
 * and Ollama are a few KB to a few hundred KB. OpenRouter's public list is larger (~1 MB and
 * growing) and asks for more with ProbeRequest.maxBytes.
 */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Enough for any provider's error JSON; the rest of an error page is not read. */
const MAX_ERROR_BYTES = 16 * 1024;

/**
 * One time budget shared by every request a probe makes (body reads included), chained to the
 * caller's signal, and the egress (connect-time address check) those requests go through. Aborting
 * a fetch destroys its socket, so a hung server does not keep it.
 */
export class ProbeDeadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly startedAt = performance.now();
  private readonly timer: NodeJS.Timeout;
  private expired = false;
  private readonly onParentAbort = () => this.controller.abort();

  constructor(
    readonly timeoutMs: number,
    private readonly parent?: AbortSignal,
    readonly egress: ProbeEgress = defaultProbeEgress(),
  ) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, timeoutMs);
    if (parent?.aborted) this.controller.abort();
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
  }

  static start(opts: ProbeOptions): ProbeDeadline {
    return new ProbeDeadline(opts.timeoutMs, opts.signal, opts.egress);
  }

  get timedOut(): boolean {
    return this.expired;
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  /** Why requests under this deadline stopped early, or null while it is still running. */
  abortReason(): string | null {
    if (this.expired) return `timed out after ${this.timeoutMs}ms`;
    return this.signal.aborted ? 'cancelled' : null;
  }

  /** Ends the budget: any request still running under it (an unneeded side request) is aborted too. */
  dispose(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParentAbort);
    this.controller.abort();
  }
}

export interface ProbeRequest {
  url: string;
  headers?: Record<string, string>;
  /** Cap on a 2xx body (default MAX_BODY_BYTES); a longer one is not read and fails the request. */
  maxBytes?: number;
}

export type HttpReply =
  /** 2xx whose body parsed as JSON; the probe checks the shape. */
  | { kind: 'json'; status: number; latencyMs: number; body: unknown }
  /** Everything else, already classified; `status` is null when no response arrived. */
  | { kind: 'failed'; status: number | null; outcome: ProbeFailure };

/**
 * GET a JSON document without following redirects (the key must not travel to another host) and
 * without ever rejecting: network errors, timeouts, non-2xx answers and unparseable bodies all come
 * back as a classified failure whose detail never contains the credentials sent.
 */
export async function probeGetJson(request: ProbeRequest, deadline: ProbeDeadline): Promise<HttpReply> {
  const headers = { accept: 'application/json', ...request.headers };
  const secrets = secretsOf(headers);
  const startedAt = performance.now();
  const latency = () => Math.round(performance.now() - startedAt);
  const transient = (status: number | null, detail: string): HttpReply => ({
    kind: 'failed',
    status,
    outcome: { kind: 'transient', latencyMs: latency(), detail: tidy(detail, secrets) },
  });

  let response: Response;
  try {
    response = await loadUndici().fetch(request.url, {
      method: 'GET',
      headers,
      redirect: 'manual',
      signal: deadline.signal,
      dispatcher: deadline.egress.dispatcher,
    });
  } catch (error) {
    return transient(null, deadline.abortReason() ?? describeNetworkError(error, secrets));
  }

  const status = response.status;
  try {
    if (status >= 200 && status < 300) {
      const maxBytes = request.maxBytes ?? MAX_BODY_BYTES;
      const { text, complete } = await readCapped(response, maxBytes);
      if (!complete) return transient(status, `response too large: body over ${formatBytes(maxBytes)} not read`);
      try {
        return { kind: 'json', status, latencyMs: latency(), body: JSON.parse(text) as unknown };
      } catch {
        return transient(status, `HTTP ${status} but the body is not valid JSON`);
      }
    }
    if (status >= 300 && status < 400) {
      await response.body?.cancel().catch(() => undefined);
      return transient(status, redirectDetail(status, response.headers.get('location'), request.url));
    }
    const { text } = await readCapped(response, MAX_ERROR_BYTES);
    const failure = failureForStatus(status, providerErrorFields(text, status), response.headers.get('retry-after'), latency());
    return { kind: 'failed', status, outcome: { ...failure, detail: tidy(failure.detail, secrets) } };
  } catch (error) {
    // The body stream failed: deadline hit mid-body or the server dropped the connection.
    await response.body?.cancel().catch(() => undefined);
    return transient(status, deadline.abortReason() ?? describeNetworkError(error, secrets));
  }
}

/**
 * Non-2xx, non-3xx status → failure kind. 401/403 are auth failures (a wrong, revoked or
 * unauthorised key does not heal by retrying); 429 is rate limiting; everything else, including
 * 404 from a wrong base URL, is "transient" so it counts toward unhealthy rather than flipping at once.
 * The detail is the status and the provider's error type/code fields (providerErrorFields), never
 * its message: messages are where servers echo the key they were sent.
 */
export function failureForStatus(
  status: number,
  errorFields: readonly string[],
  retryAfter: string | null,
  latencyMs: number,
): ProbeFailure {
  const said = errorFields.length > 0 ? ` (${errorFields.join(', ')})` : '';
  if (status === 401 || status === 403) return { kind: 'auth_failed', latencyMs, status, detail: `HTTP ${status}${said}` };
  if (status === 429) {
    const seconds = retryAfterSeconds(retryAfter);
    return { kind: 'rate_limited', latencyMs, detail: `HTTP 429${said}${seconds === null ? '' : ` (retry after ${seconds}s)`}` };
  }
  const hint = status === 404 || status === 405 ? ' (check the base URL)' : '';
  return { kind: 'transient', latencyMs, detail: `HTTP ${status}${said}${hint}` };
}

function redirectDetail(status: number, location: string | null, from: string): string {
  if (!location) return `HTTP ${status} redirect without a location (not followed)`;
  let host: string;
  try {
    host = new URL(location, from).host;
  } catch {
    return `HTTP ${status} redirect to an invalid location (not followed)`;
  }
  return `redirected to ${host} (HTTP ${status}, not followed; fix the base URL)`;
}

function secretsOf(headers: Record<string, string>): string[] {
  return Object.entries(headers)
    .filter(([name]) => isSecretHeader(name))
    .map(([, value]) => value.replace(/^Bearer\s+/i, ''));
}

/**
 * Reads at most maxBytes (decoded: a small compressed body can inflate to far more); a longer body is
 * cancelled, which releases the socket, and reported incomplete. An uncompressed body that announces
 * a larger length is refused before its first byte is read.
 */
async function readCapped(response: Response, maxBytes: number): Promise<{ text: string; complete: boolean }> {
  if (!response.body) return { text: '', complete: true };
  const length = Number(response.headers.get('content-length'));
  const encoding = response.headers.get('content-encoding');
  if ((encoding === null || encoding === 'identity') && length > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    return { text: '', complete: false };
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { text: '', complete: false };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), complete: true };
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** A 2xx JSON body that is not the documented shape: wrong endpoint, proxy page, or an API change. */
export function unexpectedBody(reply: { status: number; latencyMs: number }, expected: string): ProbeFailure {
  return { kind: 'transient', latencyMs: reply.latencyMs, detail: `HTTP ${reply.status} but unexpected body: expected ${expected}` };
}
