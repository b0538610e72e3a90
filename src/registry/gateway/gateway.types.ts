import type { AbortSource } from '../calls/abort-source';
import type { CallReport } from '../calls/call-report';

/** One call through the gateway, as the edge hands it over: the parsed body and who is calling. */
export interface GatewayCall {
  /** The request body as the client sent it (already parsed JSON; anything, until checked). */
  body: unknown;
  /** The catalog operation to select by (the X-Registry-Operation header), for `model: "auto"`. */
  operation?: string;
  /** The caller's consumer key (its id), recorded with the usage. */
  consumerKeyId?: string;
  /** Whether this caller may use a provider's model (its consumer key's model list). */
  mayUse(provider: string, model: string): boolean;
  /** Fires when the client goes away: the upstream request is aborted at once (an AbortSignal will do). */
  signal: AbortSource;
  /** The caller's W3C trace context headers, as sent: the call's span continues that trace (when tracing is on). */
  traceparent?: string;
  tracestate?: string;
}

/** Who answered, for the response headers. */
export interface AnswerOrigin {
  provider: string;
  model: string;
  /** Attempts made, this one included. */
  attempts: number;
  report: CallReport;
}

/** A whole JSON answer: the upstream's (translated when its wire format is not OpenAI's) or its 4xx as is. */
export interface JsonAnswer {
  kind: 'json';
  status: number;
  /** The body, serialized. */
  body: string;
  origin: AnswerOrigin;
  /** Tokens the answer reported (none for an upstream's refusal). */
  tokens: { inputTokens?: number; outputTokens?: number };
  /** The consumer key's x-ratelimit-* headers, when it has rate limits. */
  limitHeaders?: Readonly<Record<string, string>>;
  /**
   * Records what the call leaves behind (the attempt's usage and passive health, metrics, the request
   * log), once. The edge calls it right after writing the answer, so the client's answer does not
   * wait for the accounting, and in the same turn, so nothing the client does next can miss it. A
   * caller that does not call it loses nothing: it runs by itself at the end of the turn.
   */
  delivered(): void;
}

/**
 * A stream of server-sent events in OpenAI's format, each item one or more whole frames (`data: …\n\n`). It ends
 * with `data: [DONE]` when the upstream finished, or with an error event and no [DONE] when it broke.
 * The consumer must either read it to its end or call return() (the client went away).
 */
export interface StreamAnswer {
  kind: 'stream';
  frames: AsyncGenerator<string, void, undefined>;
  origin: AnswerOrigin;
  /** The consumer key's x-ratelimit-* headers, when it has rate limits. */
  limitHeaders?: Readonly<Record<string, string>>;
}

export type GatewayAnswer = JsonAnswer | StreamAnswer;

/** A model a consumer may ask for: `provider/model` ids (GET /v1/models). */
export interface GatewayModel {
  id: string;
  provider: string;
  model: string;
  type: 'text' | 'embedding';
}
