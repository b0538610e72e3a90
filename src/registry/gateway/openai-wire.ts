import type { EventSourceMessage } from 'eventsource-parser';
import { errorMessageIn, UpstreamBodyError } from '../calls/upstream.errors';
import { isObject } from './anthropic/guards';
import { ChatWire, DONE_FRAME, StreamRelay, tokenCount, Tokens } from './upstream-wire';

/** Whether an event's JSON carries a usage object (checked before parsing: most chunks do not). */
const HAS_USAGE = /"usage"\s*:\s*\{/;
const HAS_ERROR = /^\s*\{\s*"error"\s*:/;
/** How much of an upstream's error that is not JSON is passed on, as its message. */
const MAX_FOREIGN_ERROR = 1_000;

/**
 * OpenAI, OpenRouter, Ollama's /v1 and every OpenAI-compatible server: the client's body is sent as
 * it came with `model` replaced, and the answer comes back untouched. A stream always asks for usage
 * (`stream_options.include_usage`), so a streamed call is priced from the stream itself; the usage
 * chunk is passed on only to a client that asked for it.
 */
export const OPENAI_WIRE: ChatWire = {
  headers(apiKey): Record<string, string> {
    return apiKey ? { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` } : { 'content-type': 'application/json' };
  },

  chatRequest(body, model, stream) {
    const sent = stream
      ? { ...body, model, stream_options: { ...asObject(body.stream_options), include_usage: true } }
      : { ...body, model };
    return { path: '/chat/completions', body: JSON.stringify(sent) };
  },

  chatAnswer(text) {
    return openAiAnswer(text, 'choices');
  },

  clientError(status, text) {
    // Passed back as the upstream wrote it when it is OpenAI's error shape; anything else (a page, a
    // line of text, another server's JSON such as FastAPI's `{"detail": …}`) becomes that shape, so
    // OpenAI's clients read its message; the message of such JSON is its own, when it names one.
    const parsed = parse(text);
    if (isObject(parsed) && isObject(parsed.error) && typeof parsed.error.message === 'string') return { status, body: text };
    const message =
      (errorMessageIn(parsed) ?? text).trim().slice(0, MAX_FOREIGN_ERROR) || `the provider answered HTTP ${status} without a body`;
    return { status, body: JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }) };
  },

  streamRelay({ includeUsage }) {
    return new OpenAiStreamRelay(includeUsage);
  },
};

/** An OpenAI embeddings answer (`/embeddings`): passed on as it came, read for its usage. */
export const OPENAI_EMBEDDINGS: Pick<ChatWire, 'chatAnswer'> = {
  chatAnswer(text) {
    return openAiAnswer(text, 'data');
  },
};

/** A 2xx answer passed on as it came, once it is what it says: a JSON object with its list (`choices`, `data`). */
function openAiAnswer(text: string, list: 'choices' | 'data'): { body: string; tokens: Tokens } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UpstreamBodyError('the answer is not JSON');
  }
  if (!isObject(parsed)) throw new UpstreamBodyError('the answer is not a JSON object');
  if (!Array.isArray(parsed[list])) throw new UpstreamBodyError(`the answer has no ${list} list`);
  return { body: text, tokens: usageTokens(parsed.usage) };
}

class OpenAiStreamRelay implements StreamRelay {
  finished = false;
  failure: StreamRelay['failure'];
  tokens: Tokens = {};
  /** A chunk was relayed: [DONE] before any is an answer with nothing in it. */
  private relayed = false;

  constructor(private readonly includeUsage: boolean) {}

  push(event: EventSourceMessage): string[] {
    const data = event.data;
    if (event.event !== undefined && event.event !== '' && event.event !== 'message') {
      // A named event (a server's `ping`) is no chat chunk, and OpenAI's clients would take it for one;
      // a named `error` is the upstream's failure.
      if (event.event === 'error') this.failure = streamError(data);
      return [];
    }
    if (data === '[DONE]') {
      if (!this.relayed) {
        this.failure = { message: 'the stream ended before any output', type: 'server_error', code: null, unreadable: true };
        return [];
      }
      this.finished = true;
      return [DONE_FRAME];
    }
    if (!framedAsObject(data)) {
      // Each chunk is relayed without being parsed (the stream's hot path): what is not even framed as
      // an object (garbage, an event cut short) is the upstream's failure, not a chunk for the client.
      this.failure = {
        message: 'the provider sent an event that is not a JSON object',
        type: 'server_error',
        code: null,
        unreadable: true,
      };
      return [];
    }
    if (HAS_ERROR.test(data)) {
      this.failure = streamError(data);
      return [];
    }
    this.relayed = true;
    if (HAS_USAGE.test(data)) {
      const chunk = parse(data);
      if (chunk) {
        this.tokens = usageTokens(chunk.usage);
        // The usage-only chunk we asked for on the client's behalf: not part of what it asked to see.
        if (!this.includeUsage && Array.isArray(chunk.choices) && chunk.choices.length === 0) return [];
      }
    }
    return [`data: ${data}\n\n`];
  }
}

/** Whether `text`, spaces aside, begins with `{` and ends with `}`: the framing of a JSON object, not a parse. */
function framedAsObject(text: string): boolean {
  let start = 0;
  let end = text.length - 1;
  while (start < end && isJsonSpace(text.charCodeAt(start))) start++;
  while (end > start && isJsonSpace(text.charCodeAt(end))) end--;
  return text.charCodeAt(start) === 0x7b && text.charCodeAt(end) === 0x7d;
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function usageTokens(usage: unknown): Tokens {
  if (typeof usage !== 'object' || usage === null) return {};
  const { prompt_tokens, completion_tokens } = usage as { prompt_tokens?: unknown; completion_tokens?: unknown };
  return { inputTokens: tokenCount(prompt_tokens), outputTokens: tokenCount(completion_tokens) };
}

function parse(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function streamError(data: string): StreamRelay['failure'] {
  const parsed = parse(data);
  const error = asObject(parsed?.error);
  return {
    message: errorMessageIn(parsed) ?? 'the provider reported an error in the stream',
    type: typeof error.type === 'string' ? error.type : 'server_error',
    code: typeof error.code === 'string' ? error.code : null,
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}
