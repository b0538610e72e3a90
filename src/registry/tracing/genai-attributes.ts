import type { Attributes } from '@opentelemetry/api';
import type { Attempt } from '../calls/plan-walker';
import { UpstreamStatusError } from '../calls/upstream.errors';
import type { GatewayCallRecord } from '../gateway/gateway-observers';
import type { GatewayResult, GatewayUnanswered } from '../metrics/gateway-metrics';

// The GenAI names are still "development" in the semantic conventions, so @opentelemetry/semantic-conventions
// exports them only from its unstable `incubating` entry, which its authors ask users to copy from
// rather than import (a later release may rename them). Copied here, with the stable ones beside them.
export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** The older name of gen_ai.provider.name, still what many backends read: both are set. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
} as const;

export const STABLE = {
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  httpStatus: 'http.response.status_code',
} as const;

/** Ours, under `registry.`: what the conventions have no name for. */
export const REGISTRY = {
  provider: 'registry.provider',
  consumerKeyId: 'registry.consumer_key.id',
  consumerKeyName: 'registry.consumer_key.name',
  operation: 'registry.operation',
  stream: 'registry.stream',
  result: 'registry.result',
  errorCode: 'registry.error_code',
  attempts: 'registry.attempts',
  attemptNumber: 'registry.attempt.number',
  candidateSource: 'registry.candidate.source',
  fallbackReason: 'registry.fallback.reason',
  fallbackReasons: 'registry.fallback.reasons',
  timeToFirstTokenMs: 'registry.time_to_first_token_ms',
} as const;

/** A reason as the request log keeps it: a line, scrubbed of anything key-shaped by the walk, bounded. */
const MAX_REASON = 500;
/** What a caller wrote (the model asked, an operation's name) is kept as the request log keeps it: bounded. */
export const MAX_CALLER_TEXT = 200;

/** `chat` for chat completions, `embeddings` for embeddings: the conventions' operation names are ours already. */
export type GenAiOperation = GatewayCallRecord['kind'];

/** The conventions' span name: `{operation} {model}` (the operation alone when no model is known). */
export function spanName(operation: GenAiOperation, model: string | null): string {
  return model === null ? operation : `${operation} ${model.slice(0, MAX_CALLER_TEXT)}`;
}

/** Endings that are a failure of ours or the upstreams' (span status ERROR); the others are the caller's (a 4xx, a refusal). */
const FAILED_RESULTS: ReadonlySet<GatewayResult | GatewayUnanswered> = new Set([
  'stream_error',
  'all_candidates_failed',
  'no_available_provider',
]);

export function isFailure(result: GatewayResult | GatewayUnanswered): boolean {
  return FAILED_RESULTS.has(result);
}

/** What an attempt's span knows when it starts: the candidate, where it is sent, and why the ones before it failed. */
export function attemptStartAttributes(operation: GenAiOperation, attempt: Attempt): Attributes {
  const { provider, model, source } = attempt.candidate;
  const number = attempt.report.failed.length + 1;
  const attributes: Attributes = {
    [GEN_AI.operation]: operation,
    [GEN_AI.providerName]: provider,
    [GEN_AI.system]: provider,
    [GEN_AI.requestModel]: model,
    [REGISTRY.provider]: provider,
    [REGISTRY.attemptNumber]: number,
    [REGISTRY.candidateSource]: source,
    ...serverOf(attempt.connection.endpoint.baseURL),
  };
  const previous = attempt.report.failed.at(-1);
  if (previous) attributes[REGISTRY.fallbackReason] = failedLine(previous);
  return attributes;
}

/**
 * The call's attributes once it ended: what was asked, who answered, tokens, how it ended, and every
 * earlier attempt's reason. Only named fields of the record are read: never a prompt, an answer or a key.
 */
export function callEndAttributes(record: GatewayCallRecord): Attributes {
  const attributes: Attributes = {
    [GEN_AI.operation]: record.kind,
    [REGISTRY.stream]: record.stream,
    [REGISTRY.result]: record.result,
    [REGISTRY.attempts]: record.failedAttempts.length + (record.provider === null ? 0 : 1),
  };
  if (record.modelAsked !== null) attributes[GEN_AI.requestModel] = record.modelAsked.slice(0, MAX_CALLER_TEXT);
  if (record.provider !== null) {
    attributes[GEN_AI.providerName] = record.provider;
    attributes[GEN_AI.system] = record.provider;
    attributes[REGISTRY.provider] = record.provider;
  }
  if (record.model !== null) attributes[GEN_AI.responseModel] = record.model;
  Object.assign(attributes, tokenAttributes(record.inputTokens, record.outputTokens));
  if (record.upstreamStatus !== null) attributes[STABLE.httpStatus] = record.upstreamStatus;
  if (record.result !== 'success') attributes[STABLE.errorType] = record.errorCode ?? record.result;
  if (record.errorCode !== null) attributes[REGISTRY.errorCode] = record.errorCode;
  if (record.timeToFirstTokenMs !== null) attributes[REGISTRY.timeToFirstTokenMs] = record.timeToFirstTokenMs;
  if (record.failedAttempts.length > 0) attributes[REGISTRY.fallbackReasons] = record.failedAttempts.map(failedLine);
  return attributes;
}

/** gen_ai.usage.*, for the counts the upstream reported (none: no attribute, never a zero). */
export function tokenAttributes(input: number | null | undefined, output: number | null | undefined): Attributes {
  const attributes: Attributes = {};
  if (typeof input === 'number' && Number.isFinite(input)) attributes[GEN_AI.inputTokens] = input;
  if (typeof output === 'number' && Number.isFinite(output)) attributes[GEN_AI.outputTokens] = output;
  return attributes;
}

/**
 * error.type of an attempt that threw: `timeout`, `cancelled`, the upstream's HTTP status, an error's
 * code (a network one's, ECONNREFUSED, or ours, INVALID_GATEWAY_REQUEST), else its class name; never
 * its message, which may quote the upstream.
 */
export function attemptErrorType(error: unknown, attempt: Attempt): string {
  if (attempt.signal.callerAborted) return 'cancelled';
  if (attempt.signal.timedOut) return 'timeout';
  if (error instanceof UpstreamStatusError) return String(error.status);
  const code = (error as { code?: unknown } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(code)) return code;
  const name = (error as Error | null)?.name;
  return typeof name === 'string' && /^[A-Za-z]\w{0,63}$/.test(name) && name !== 'Error' ? name : '_OTHER';
}

function failedLine({ provider, model, reason }: GatewayCallRecord['failedAttempts'][number]): string {
  return `${provider}/${model}: ${reason}`.slice(0, MAX_REASON);
}

/** server.address and server.port of an upstream's base URL (its user and password, if any, are not read). */
function serverOf(baseURL: string): Attributes {
  try {
    const url = new URL(baseURL);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return { [STABLE.serverAddress]: url.hostname, [STABLE.serverPort]: port };
  } catch {
    return {};
  }
}
