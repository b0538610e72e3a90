import type { EventSourceMessage } from 'eventsource-parser';
import { UpstreamBodyError } from '../calls/upstream.errors';
import { fromAnthropicError, openAiErrorStatus } from './anthropic/anthropic-error';
import { AnthropicStreamTranslator } from './anthropic/anthropic-stream';
import { fromAnthropicResponse } from './anthropic/from-anthropic-response';
import { toAnthropicRequest } from './anthropic/to-anthropic-request';
import { ChatWire, DONE_FRAME, StreamRelay, Tokens } from './upstream-wire';

/** The Messages API version our translation follows (https://docs.anthropic.com/en/api/versioning). */
const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires max_tokens; OpenAI clients often send none. */
const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic's Messages API, translated both ways (anthropic/). */
export const ANTHROPIC_WIRE: ChatWire = {
  headers(apiKey) {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'anthropic-version': ANTHROPIC_VERSION };
    if (apiKey) headers['x-api-key'] = apiKey;
    return headers;
  },

  chatRequest(body, model, stream) {
    const translated = toAnthropicRequest({ ...body, stream }, model, { defaultMaxTokens: DEFAULT_MAX_TOKENS });
    if (!translated.ok) return { refused: { param: translated.param, message: translated.message } };
    return { path: '/messages', body: JSON.stringify(translated.body) };
  },

  chatAnswer(text, model) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UpstreamBodyError('the answer is not JSON');
    }
    const translated = fromAnthropicResponse(parsed, { model });
    if (!translated.ok) throw new UpstreamBodyError(translated.message);
    const usage = translated.completion.usage;
    return {
      body: JSON.stringify(translated.completion),
      tokens: { inputTokens: usage?.prompt_tokens, outputTokens: usage?.completion_tokens },
    };
  },

  clientError(status, text) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: openAiErrorStatus(status), body: JSON.stringify({ error: fromAnthropicError(parsed, status) }) };
  },

  streamRelay(options) {
    return new AnthropicStreamRelay(new AnthropicStreamTranslator(options));
  },
};

class AnthropicStreamRelay implements StreamRelay {
  private done = false;
  /** An event whose data is not JSON: the stream cannot be read on, and the answer is not whole. */
  private unreadable: StreamRelay['failure'];

  constructor(private readonly translator: AnthropicStreamTranslator) {}

  push(event: EventSourceMessage): string[] {
    if (this.unreadable) return [];
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      this.unreadable = { message: 'the provider sent an event that is not JSON', type: 'server_error', code: null, unreadable: true };
      return [];
    }
    const frames = this.translator.push({ event: event.event ?? '', data }).map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
    // OpenAI ends a stream with [DONE]; Anthropic's message_stop is the same promise.
    if (this.translator.finished && !this.done) {
      this.done = true;
      frames.push(DONE_FRAME);
    }
    return frames;
  }

  get finished(): boolean {
    return this.translator.finished;
  }

  get failure(): StreamRelay['failure'] {
    return this.unreadable ?? this.translator.error;
  }

  get tokens(): Tokens {
    const usage = this.translator.usage;
    return { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
  }
}
