import type { EventSourceMessage } from 'eventsource-parser';

/** Tokens a call used, as the upstream reported them (absent: not reported). */
export interface Tokens {
  inputTokens?: number;
  outputTokens?: number;
}

/** What to send upstream for one attempt; the path is joined to the endpoint's base URL. */
export interface UpstreamRequest {
  path: string;
  body: string;
}

/** A field the upstream's API cannot take: answered 400 naming it, before anything is sent. */
export interface WireRefusal {
  refused: { param: string; message: string };
}

/**
 * Why a stream failed: an error event the upstream sent (its message), or, `unreadable`, a stream that
 * is not what it should be (an event that is not JSON, an end with nothing in it: our message).
 */
export interface StreamFailure {
  message: string;
  type: string;
  code: string | null;
  unreadable?: boolean;
}

/**
 * Reads one upstream stream and turns it into OpenAI's frames. `push` returns the frames to send for
 * one upstream event (none, one or several); `finished` says the upstream ended the answer properly,
 * `failure` that it sent an error event instead, or something that cannot be read.
 */
export interface StreamRelay {
  push(event: EventSourceMessage): string[];
  readonly finished: boolean;
  readonly failure: StreamFailure | undefined;
  readonly tokens: Tokens;
}

/**
 * One upstream API as the gateway speaks it: OpenAI's own chat completions (passed through, model
 * replaced) or another API translated both ways. Pure: no I/O.
 */
export interface ChatWire {
  headers(apiKey: string | undefined): Record<string, string>;
  chatRequest(body: Record<string, unknown>, model: string, stream: boolean): UpstreamRequest | WireRefusal;
  /** A 2xx JSON answer → the OpenAI chat.completion text and its usage; throws UpstreamBodyError when unreadable. */
  chatAnswer(text: string, model: string): { body: string; tokens: Tokens };
  /** A 4xx the client caused, in OpenAI's error shape (key-shaped text already removed by the caller). */
  clientError(status: number, text: string): { status: number; body: string };
  streamRelay(options: { model: string; includeUsage: boolean }): StreamRelay;
}

/** OpenAI's `{ error: … }` body as a frame of a stream (what OpenAI itself sends when a stream fails). */
export function errorFrame(error: { message: string; type: string; code: string | null; param?: string | null }): string {
  return `data: ${JSON.stringify({ error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } })}\n\n`;
}

export const DONE_FRAME = 'data: [DONE]\n\n';

/**
 * A token count from an upstream's JSON: a whole number (anything else, a fraction too, is not
 * reported: key limits and usage count tokens exactly, as integers).
 */
export function tokenCount(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}
