import { fromAnthropicError } from './anthropic-error';
import { toOpenAiFinishReason } from './finish-reason';
import { isObject, isString, JsonObject } from './guards';
import { NO_USAGE, readAnthropicUsage, toOpenAiUsage } from './usage';
import {
  AnthropicSseEvent,
  AnthropicUsage,
  OpenAiChatCompletionChunk,
  OpenAiChunkDelta,
  OpenAiError,
  OpenAiFinishReason,
  OpenAiUsage,
} from './wire-types';

export interface StreamTranslatorOptions {
  /** The model id the client asked for, echoed in every chunk. */
  model: string;
  /** The client's `stream_options.include_usage`: end with a usage chunk, and `usage: null` on the others. */
  includeUsage: boolean;
  /** Unix seconds, the same in every chunk; now by default. */
  created?: number;
}

interface ToolBlock {
  /** The call's position among the message's tool calls: OpenAI's `tool_calls[].index`. */
  index: number;
  sentArguments: boolean;
}

/**
 * Translates one Anthropic Messages stream into OpenAI `chat.completion.chunk`s, event by event. Feed
 * every parsed SSE event to `push` in order and send what it returns. Afterwards (or whenever) the
 * caller reads `finished` (message_stop seen: the answer is whole), `error` (an `error` event or an
 * unreadable stream: end the client's stream with it, as OpenAI's `{ error }`), and `usage`. Once
 * finished or failed, further events are ignored. Never throws.
 *
 * Anthropic numbers content blocks across text and tool calls; OpenAI numbers tool calls alone, so each
 * tool_use block gets the next tool index and its argument fragments carry it. Thinking blocks, server
 * tool blocks and their deltas have no place in a chat.completion.chunk and are dropped.
 */
export class AnthropicStreamTranslator {
  private readonly created: number;
  private id: string;
  private started = false;
  private readonly toolBlocks = new Map<number, ToolBlock>();
  private stopReason: OpenAiFinishReason | null = null;
  private finishSent = false;
  private anthropic: AnthropicUsage = NO_USAGE;
  private stopped = false;
  private failure: OpenAiError | undefined;

  constructor(private readonly options: StreamTranslatorOptions) {
    this.created = options.created ?? Math.floor(Date.now() / 1000);
    this.id = `chatcmpl-${this.created}`;
  }

  /** message_stop was seen: the answer arrived whole. */
  get finished(): boolean {
    return this.stopped;
  }

  /** Why the stream failed, in OpenAI's words: an upstream `error` event, or a stream we could not read. */
  get error(): OpenAiError | undefined {
    return this.failure;
  }

  /** The finish_reason sent (or to send), once the upstream said why it stopped. */
  get finishReason(): OpenAiFinishReason | null {
    return this.stopReason;
  }

  /** Usage so far, as the client sees it (prompt_tokens counts cached input too). */
  get usage(): OpenAiUsage {
    return toOpenAiUsage(this.anthropic);
  }

  /** Usage so far in Anthropic's own breakdown (cache writes and reads are priced apart). */
  get anthropicUsage(): AnthropicUsage {
    return { ...this.anthropic };
  }

  push(event: AnthropicSseEvent): OpenAiChatCompletionChunk[] {
    if (this.stopped || this.failure || !isObject(event)) return [];
    const data: JsonObject = isObject(event.data) ? event.data : {};
    // The SSE event name and data.type agree; a stream re-parsed without names still has data.type.
    const type = isString(event.event) && event.event !== '' && event.event !== 'message' ? event.event : data.type;
    switch (type) {
      case 'message_start':
        return this.onMessageStart(data);
      case 'content_block_start':
        return this.onBlockStart(data);
      case 'content_block_delta':
        return this.onBlockDelta(data);
      case 'content_block_stop':
        return this.onBlockStop(data);
      case 'message_delta':
        return this.onMessageDelta(data);
      case 'message_stop':
        return this.onMessageStop();
      case 'error':
        this.failure = fromAnthropicError(data);
        return [];
      default:
        return []; // ping, and event types newer than this code
    }
  }

  private onMessageStart(data: JsonObject): OpenAiChatCompletionChunk[] {
    if (this.started) return [];
    const message = isObject(data.message) ? data.message : {};
    if (isString(message.id) && message.id !== '') this.id = message.id;
    this.anthropic = readAnthropicUsage(message.usage, this.anthropic);
    return this.emit({});
  }

  private onBlockStart(data: JsonObject): OpenAiChatCompletionChunk[] {
    const block = isObject(data.content_block) ? data.content_block : {};
    if (block.type === 'text') return isString(block.text) && block.text !== '' ? this.emit({ content: block.text }) : [];
    if (block.type !== 'tool_use') return [];
    if (!isBlockIndex(data.index) || !isString(block.id) || !isString(block.name) || this.toolBlocks.has(data.index)) {
      return this.fail('the upstream stream started a tool call that cannot be read');
    }
    const index = this.toolBlocks.size;
    this.toolBlocks.set(data.index, { index, sentArguments: false });
    return this.emit({ tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
  }

  private onBlockDelta(data: JsonObject): OpenAiChatCompletionChunk[] {
    const delta = isObject(data.delta) ? data.delta : {};
    if (delta.type === 'text_delta') return isString(delta.text) && delta.text !== '' ? this.emit({ content: delta.text }) : [];
    if (delta.type !== 'input_json_delta') return []; // thinking, signature, citations
    const tool = isBlockIndex(data.index) ? this.toolBlocks.get(data.index) : undefined;
    if (!tool || !isString(delta.partial_json) || delta.partial_json === '') return []; // a server tool's input, or nothing
    tool.sentArguments = true;
    return this.emit({ tool_calls: [{ index: tool.index, function: { arguments: delta.partial_json } }] });
  }

  /** A call without arguments streams no fragment; OpenAI clients parse arguments, so they get "{}". */
  private onBlockStop(data: JsonObject): OpenAiChatCompletionChunk[] {
    const tool = isBlockIndex(data.index) ? this.toolBlocks.get(data.index) : undefined;
    if (!tool || tool.sentArguments) return [];
    tool.sentArguments = true;
    return this.emit({ tool_calls: [{ index: tool.index, function: { arguments: '{}' } }] });
  }

  private onMessageDelta(data: JsonObject): OpenAiChatCompletionChunk[] {
    this.anthropic = readAnthropicUsage(data.usage, this.anthropic);
    const delta = isObject(data.delta) ? data.delta : {};
    if (delta.stop_reason === undefined || delta.stop_reason === null || this.finishSent) return [];
    this.stopReason = toOpenAiFinishReason(delta.stop_reason);
    return this.finish();
  }

  private onMessageStop(): OpenAiChatCompletionChunk[] {
    const chunks = this.finishSent ? [] : this.finish();
    this.stopped = true;
    if (this.options.includeUsage) chunks.push(this.chunk([], this.usage));
    return chunks;
  }

  private finish(): OpenAiChatCompletionChunk[] {
    this.stopReason ??= 'stop';
    this.finishSent = true;
    return this.emit({}, this.stopReason);
  }

  private fail(message: string): OpenAiChatCompletionChunk[] {
    this.failure = { message, type: 'server_error', param: null, code: null };
    return [];
  }

  /** A chunk of one choice, preceded by the assistant-role chunk that opens every OpenAI stream. */
  private emit(delta: OpenAiChunkDelta, finishReason: OpenAiFinishReason | null = null): OpenAiChatCompletionChunk[] {
    const chunks: OpenAiChatCompletionChunk[] = [];
    if (!this.started) {
      this.started = true;
      chunks.push(this.chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]));
      if (Object.keys(delta).length === 0 && finishReason === null) return chunks;
    }
    chunks.push(this.chunk([{ index: 0, delta, logprobs: null, finish_reason: finishReason }]));
    return chunks;
  }

  private chunk(choices: OpenAiChatCompletionChunk['choices'], usage: OpenAiUsage | null = null): OpenAiChatCompletionChunk {
    const chunk: OpenAiChatCompletionChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.options.model,
      choices,
    };
    if (this.options.includeUsage) chunk.usage = usage;
    return chunk;
  }
}

function isBlockIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
