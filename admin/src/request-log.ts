import type { FailedAttempt, RequestLogEntry } from './api/types';
import { count, latency } from './format';

/** Pure wording for the Requests page: the gateway's calls, how each ended and what was tried first. */

/**
 * Every way a gateway call can end, in words: the server's REQUEST_RESULTS in its order (its module
 * imports server code the bundle must not; test/unit/admin/request-log.spec.ts checks the two match).
 */
export const RESULT_WORDS: Readonly<Record<string, string>> = {
  success: 'answered',
  client_error: 'refused by the provider as a bad request',
  stream_error: 'stream broke off',
  cancelled: 'cancelled by the caller',
  no_available_provider: 'no provider available',
  unknown_model: 'unknown model',
  model_not_allowed: 'model not allowed for the key',
  all_candidates_failed: 'every provider failed',
  invalid_request: 'invalid request',
  key_limit: 'limit of the key reached',
};

export function resultInWords(result: string): string {
  return RESULT_WORDS[result] ?? result.replace(/_/g, ' ');
}

/** The consumer key by its name; by its id when its row is gone; "(no key)" for a call without one. */
export function keyLabel(entry: Pick<RequestLogEntry, 'keyId' | 'keyName'>): string {
  if (entry.keyName) return entry.keyName;
  return entry.keyId ? `#${entry.keyId}` : '(no key)';
}

/** "openai/gpt-4o-mini", or null when no provider answered. */
export function answeredBy(entry: Pick<RequestLogEntry, 'provider' | 'model'>): string | null {
  return entry.provider ? `${entry.provider}/${entry.model ?? '?'}` : null;
}

/** "1,200 in, 35 out"; "—" when nothing was counted. */
export function tokensInWords(entry: Pick<RequestLogEntry, 'inputTokens' | 'outputTokens'>): string {
  const { inputTokens: input, outputTokens: output } = entry;
  if (input === null && output === null) return '—';
  return [input !== null && `${count(input)} in`, output !== null && `${count(output)} out`].filter(Boolean).join(', ');
}

/** The attempts' summary: "1 failed before", or every attempt failed when nobody answered. */
export function attemptsInWords(entry: Pick<RequestLogEntry, 'attempts' | 'provider'>): string {
  const n = entry.attempts.length;
  if (entry.provider === null) return n === 1 ? '1 attempt, failed' : `${n} attempts, all failed`;
  return `${n} failed before`;
}

/** "openai/gpt-4o-mini: rate limited (429), HTTP 429, 8 ms". */
export function attemptInWords(attempt: FailedAttempt): string {
  const status = attempt.status === null ? '' : `, HTTP ${attempt.status}`;
  return `${attempt.provider}/${attempt.model}: ${attempt.reason}${status}, ${latency(attempt.latencyMs)}`;
}

/** A `datetime-local` value read as UTC (the console's time everywhere): "2026-12-05T04:00" → ISO; undefined when empty. */
export function utcFromInput(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const ms = Date.parse(`${value}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : value;
}
