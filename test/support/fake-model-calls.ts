import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * The model-calling answers of the fake provider server, in the providers' documented wire formats:
 * OpenAI chat completions (JSON, and SSE chunks ending in `data: [DONE]` with the usage chunk when
 * `stream_options.include_usage` is set) and embeddings, which OpenRouter and Ollama's `/v1` also
 * speak; Anthropic messages (JSON, and its named SSE events from message_start to message_stop).
 */

/** Routes that call a model (POST), relative to the provider's prefix. */
export const FAKE_CALL_ROUTES = {
  openai: ['/v1/chat/completions', '/v1/embeddings'],
  anthropic: ['/v1/messages'],
  ollama: ['/v1/chat/completions', '/v1/embeddings'],
  openrouter: ['/api/v1/chat/completions', '/api/v1/embeddings'],
} as const;

export interface CallAnswer {
  /** The text a chat answer carries; streamed one word per chunk. */
  reply: string;
  /** Usage the answer reports. */
  inputTokens: number;
  /** Length of each embedding vector. */
  dimensions: number;
}

/**
 * How a streamed answer goes: `cutAfterChunks` ends the connection abruptly after that many content
 * chunks (0: right after the 200 and its headers, before any chunk).
 */
export interface StreamPlan {
  cutAfterChunks?: number;
  /** After those chunks, keep the connection open and send nothing more (instead of cutting it). */
  stall?: boolean;
  /** Before the event at this index (0: before the first), one that is not JSON (cut short); the rest as usual, nothing cut. */
  garbageAt?: number;
}

/** An event cut short: what a broken proxy or server in front of the model might send. */
export const GARBAGE_EVENT = 'data: {"choices":[{"delta":{"content":"cut sho\n\n';

interface ChatBody {
  model?: string;
  /** OpenAI's `[{ type: 'function', function: { name } }]` or Anthropic's `[{ name }]`: the answer calls the first. */
  tools?: Array<{ name?: string; function?: { name?: string } }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  input?: string | string[];
}

const created = 1_700_000_000;

export function words(reply: string): string[] {
  return reply.split(/(?<= )/);
}

export function answerOpenAiChat(res: ServerResponse, body: ChatBody, answer: CallAnswer, plan: StreamPlan): void {
  const model = body.model ?? 'unknown';
  const pieces = words(answer.reply);
  const usage = { prompt_tokens: answer.inputTokens, completion_tokens: pieces.length, total_tokens: answer.inputTokens + pieces.length };
  if (!body.stream) {
    return json(res, {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: answer.reply, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage,
    });
  }
  const chunk = (delta: object, finish: string | null) => ({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const events = [
    chunk({ role: 'assistant', content: '' }, null),
    ...pieces.map((content) => chunk({ content }, null)),
    chunk({}, 'stop'),
    ...(body.stream_options?.include_usage
      ? [{ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created, model, choices: [], usage }]
      : []),
  ].map((data) => `data: ${JSON.stringify(data)}\n\n`);
  // The first event carries no content (role only): a cut after N chunks counts content chunks.
  sse(res, [...events, 'data: [DONE]\n\n'], plan.cutAfterChunks === undefined ? undefined : plan.cutAfterChunks + 1, plan);
}

export function answerOpenAiEmbeddings(res: ServerResponse, body: ChatBody, answer: CallAnswer): void {
  const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
  const model = body.model ?? 'unknown';
  json(res, {
    object: 'list',
    data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: fakeVector(model, text, answer.dimensions) })),
    model,
    usage: { prompt_tokens: answer.inputTokens, total_tokens: answer.inputTokens },
  });
}

/** The tool a request offers first (the fake calls it with FAKE_TOOL_INPUT), if any. */
function offeredTool(body: ChatBody): string | undefined {
  const first = Array.isArray(body.tools) ? body.tools[0] : undefined;
  return first?.function?.name ?? first?.name;
}

/** What the fake passes to the tool it calls. */
export const FAKE_TOOL_INPUT = { city: 'Paris', days: 3 };

export function answerAnthropicMessages(res: ServerResponse, body: ChatBody, answer: CallAnswer, plan: StreamPlan): void {
  const model = body.model ?? 'unknown';
  const pieces = words(answer.reply);
  const tool = offeredTool(body);
  if (tool !== undefined) return answerAnthropicTool(res, body, answer, tool);
  if (!body.stream) {
    return json(res, {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: answer.reply }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: answer.inputTokens, output_tokens: pieces.length },
    });
  }
  const event = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
  const events = [
    event('message_start', {
      message: {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: answer.inputTokens, output_tokens: 1 },
      },
    }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
    ...pieces.map((text) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: pieces.length } }),
    event('message_stop', {}),
  ];
  // message_start, content_block_start and ping come before the first content chunk.
  sse(res, events, plan.cutAfterChunks === undefined ? undefined : plan.cutAfterChunks + 3, plan);
}

/** An Anthropic answer that calls `tool`: a text block, then a tool_use block; streamed, its input in two JSON fragments. */
function answerAnthropicTool(res: ServerResponse, body: ChatBody, answer: CallAnswer, tool: string): void {
  const model = body.model ?? 'unknown';
  const input = JSON.stringify(FAKE_TOOL_INPUT);
  const usage = { input_tokens: answer.inputTokens, output_tokens: 7 };
  if (!body.stream) {
    return json(res, {
      id: 'msg_fake_tool',
      type: 'message',
      role: 'assistant',
      model,
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_fake1', name: tool, input: FAKE_TOOL_INPUT },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage,
    });
  }
  const event = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
  sse(
    res,
    [
      event('message_start', {
        message: {
          id: 'msg_fake_tool',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          usage: { ...usage, output_tokens: 1 },
        },
      }),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Let me look.' } }),
      event('content_block_stop', { index: 0 }),
      event('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_fake1', name: tool, input: {} } }),
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: input.slice(0, 9) } }),
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: input.slice(9) } }),
      event('content_block_stop', { index: 1 }),
      event('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }),
      event('message_stop', {}),
    ],
    undefined,
  );
}

/** A deterministic vector per model and text, so a test can tell which model embedded it. */
export function fakeVector(model: string, text: string, dimensions: number): number[] {
  const digest = createHash('sha256').update(`${model}\u0000${text}`).digest();
  return Array.from({ length: dimensions }, (_, i) => Math.round((digest[i % digest.length] / 255) * 1e6) / 1e6);
}

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Each event in its own write (as a real server flushes them); after `after` events the socket is destroyed or left silent (`stall`); or an event that is not JSON comes before the one at `garbageAt`. */
function sse(res: ServerResponse, events: string[], after: number | undefined, { stall = false, garbageAt }: StreamPlan = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  const cutAfter = garbageAt === undefined ? after : undefined;
  const sent =
    garbageAt !== undefined
      ? [...events.slice(0, garbageAt), GARBAGE_EVENT, ...events.slice(garbageAt)]
      : cutAfter === undefined
        ? events
        : events.slice(0, cutAfter);
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i < sent.length) {
      res.write(sent[i++]);
      setImmediate(next);
    } else if (cutAfter !== undefined && !stall) res.socket?.destroy();
    else if (cutAfter !== undefined)
      return; // stalled: the connection stays open until the client goes
    else res.end();
  };
  next();
}
