import { APICallError } from '@ai-sdk/provider';
import { EGRESS_BLOCKED } from '../egress/probe-egress';
import type { CallOutcome } from '../kernel/call-outcomes';
import { UpstreamBodyError, UpstreamStatusError } from './upstream.errors';

/** How one attempt ended, as far as the plan walk and passive health are concerned. */
export interface AttemptVerdict {
  /**
   * What usage records for the attempt. `undefined` when the attempt says nothing about the
   * provider's health: the caller aborted, or the provider rightly refused the request itself (400,
   * 404, 422: another provider would refuse it too, and the host's bad input must not trip a provider).
   */
  outcome: CallOutcome | undefined;
  /** Whether the next candidate of the plan should be tried (only ever before any output was streamed). */
  retryable: boolean;
  /** The provider's HTTP status, when it answered. */
  status?: number;
  /** Nothing reached the provider: there is no request to count. */
  notSent?: true;
}

/** What the attempt's own bookkeeping knows about why it stopped (the error alone cannot tell). */
export interface AttemptCircumstances {
  /** The caller's AbortSignal fired: never a provider failure, never a reason to try another. */
  callerAborted: boolean;
  /** The per-attempt timeout fired. */
  timedOut: boolean;
}

/**
 * The retry decision: connection errors, timeouts, 5xx, 429 and 401/403 move to the next candidate
 * (a different provider may well answer: its own key, its own quota, its own servers); the other 4xx
 * describe the request and surface at once. The same for the gateway's raw calls (upstream.errors.ts)
 * and the AI SDK's. Errors that are not HTTP answers are connection failures when the AI SDK says so (APICallError without a status) or a response it could not read (a provider
 * failure too); anything else was raised before a byte was sent (a prompt the SDK cannot convert) and
 * is the caller's.
 */
export function judgeAttempt(error: unknown, circumstances: AttemptCircumstances): AttemptVerdict {
  if (circumstances.callerAborted) return { outcome: undefined, retryable: false };
  if (circumstances.timedOut) return { outcome: 'timeout', retryable: true };
  // Our egress policy refused the address the name resolved to: the key went nowhere, and the
  // provider did nothing wrong; another candidate may live somewhere allowed.
  if (causedBy(error, EGRESS_BLOCKED)) return { outcome: undefined, retryable: true, notSent: true };
  if (error instanceof UpstreamStatusError) return { ...judgeStatus(error.status), status: error.status };
  if (error instanceof UpstreamBodyError) return { outcome: 'error', retryable: true };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === undefined) return { outcome: 'error', retryable: true };
    // A 200 the SDK could not read to the end (the connection broke mid-body): the provider's failure.
    if (status < 400) return { outcome: 'error', retryable: true, status };
    return { ...judgeStatus(status), status };
  }
  if (isResponseError(error) || isNetworkError(error)) return { outcome: 'error', retryable: true };
  return { outcome: undefined, retryable: false, notSent: true };
}

export function judgeStatus(status: number): { outcome: CallOutcome | undefined; retryable: boolean } {
  if (status === 401 || status === 403) return { outcome: 'auth_error', retryable: true };
  if (status === 429) return { outcome: 'rate_limited', retryable: true };
  if (status === 408) return { outcome: 'timeout', retryable: true };
  if (status >= 500) return { outcome: 'error', retryable: true };
  return { outcome: undefined, retryable: false };
}

/** The SDK could not make sense of what came back (broken JSON, a body of the wrong shape, none at all). */
const RESPONSE_ERRORS = new Set([
  'AI_JSONParseError',
  'AI_TypeValidationError',
  'AI_InvalidResponseDataError',
  'AI_EmptyResponseBodyError',
]);

function isResponseError(error: unknown): boolean {
  return error instanceof Error && RESPONSE_ERRORS.has(error.name);
}

/** fetch() itself failed (undici's TypeError "fetch failed", or a socket error in a stream read). */
function isNetworkError(error: unknown): boolean {
  // Duck-typed: a socket error is made by Node's own Error, which is another realm's under a VM (jest).
  if (typeof error !== 'object' || error === null) return false;
  if (error instanceof TypeError && /fetch failed|terminated|network/i.test(error.message)) return true;
  const { code: own, cause } = error as { code?: unknown; cause?: { code?: unknown } };
  const code = own ?? cause?.code;
  return typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code);
}

/**
 * Whether a failure is the provider's as a whole rather than one model's: its key was refused, it did
 * not answer in time, or it could not be reached. Its other candidates in the same plan (another of its
 * models) would fail the same way, and a hang would cost the whole timeout again, so they are passed
 * over. A 5xx or 429 may be one model's (overloaded, its own rate limit): its other models are still tried.
 */
export function failsWholeProvider(verdict: AttemptVerdict): boolean {
  return verdict.outcome === 'auth_error' || verdict.outcome === 'timeout' || (verdict.outcome === 'error' && verdict.status === undefined);
}

/** Whether `code` is the code of the error or of one of its causes (fetch and the SDK each wrap it once). */
function causedBy(error: unknown, code: string): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code === code) return true;
  }
  return false;
}
