import type { FailedAttempt } from '../calls/call-report';
import type { GatewayResult, GatewayUnanswered } from '../metrics/gateway-metrics';

/** Every way a gateway call can end, as the log's `result` holds it. */
export const REQUEST_RESULTS = [
  'success',
  'client_error',
  'stream_error',
  'cancelled',
  'no_available_provider',
  'unknown_model',
  'model_not_allowed',
  'all_candidates_failed',
  'invalid_request',
  'key_limit',
] as const satisfies ReadonlyArray<GatewayResult | GatewayUnanswered>;

export type RequestResult = (typeof REQUEST_RESULTS)[number];

// A result the gateway gains and this list lacks fails to compile here, not silently in a filter.
type Unlisted = Exclude<GatewayResult | GatewayUnanswered, RequestResult>;
const everyResultListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyResultListed;

/** What `GET /api/requests` filters on; each optional. */
export interface RequestLogFilter {
  /** A consumer key's id (digits) or name. */
  key?: string;
  provider?: string;
  model?: string;
  result?: RequestResult;
  /** The upstream's HTTP status. */
  status?: number;
  /** From this time on (inclusive). */
  from?: Date;
  /** Before this time (exclusive). */
  to?: Date;
}

export interface RequestLogQuery extends RequestLogFilter {
  limit: number;
  cursor?: string;
}

/** One logged gateway call as the API shows it. Never a prompt, an answer or a key. */
export interface RequestLogView {
  id: string;
  startedAt: string;
  kind: string;
  /** The consumer key's id and name; null for a call without one (`keyName` null too when its row is gone). */
  keyId: string | null;
  keyName: string | null;
  modelAsked: string | null;
  stream: boolean;
  provider: string | null;
  model: string | null;
  result: string;
  status: number | null;
  errorCode: string | null;
  /** Attempts before the one that answered (every attempt when none did), each with why it failed. */
  attempts: FailedAttempt[];
  inputTokens: number | null;
  outputTokens: number | null;
  /** By the catalog's prices, USD with 6 decimals. */
  costUsd: string;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
}

export interface RequestLogPage {
  requests: RequestLogView[];
  /** Give it back as `cursor` for the next (older) page; null on the last one. */
  nextCursor: string | null;
}
