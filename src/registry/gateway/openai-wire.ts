import type { EventSourceMessage } from 'eventsource-parser';
import { UpstreamBodyError } from '../calls/upstream.errors';
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
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UpstreamBodyError('the answer is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new UpstreamBodyError('the answer is not a JSON object');
    return { body: text, tokens: usageTokens((parsed as { usage?: unknown }).usage) };
  },

  clientError(status, text) {
    // Passed back as the upstream wrote it when it is JSON; a page or a line of text (a proxy's, a
    // server's default) becomes OpenAI's error shape, so it is the JSON the answer says it is.
    if (isObject(parse(text))) return { status, body: text };
    const message = text.trim().slice(0, MAX_FOREIGN_ERROR) || `the provider answered HTTP ${status} without a body`;
    return { status, body: JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }) };
  },

  streamRelay({ includeUsage }) {
    return new OpenAiStreamRelay(includeUsage);
  },
};

class OpenAiStreamRelay implements StreamRelay {
  finished = false;
  failure: StreamRelay['failure'];
  tokens: Tokens = {};

  constructor(private readonly includeUsage: boolean) {}

  push(event: EventSourceMessage): string[] {
    const data = event.data;
    if (data === '[DONE]') {
      this.finished = true;
      return [DONE_FRAME];
    }
    if (HAS_ERROR.test(data)) {
      this.failure = streamError(data);
      return [];
    }
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
  const error = asObject(parse(data)?.error);
  return {
    message: typeof error.message === 'string' ? error.message : 'the provider reported an error in the stream',
    type: typeof error.type === 'string' ? error.type : 'server_error',
    code: typeof error.code === 'string' ? error.code : null,
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}
