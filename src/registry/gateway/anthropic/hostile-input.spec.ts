import { fromAnthropicError } from './anthropic-error';
import { AnthropicStreamTranslator } from './anthropic-stream';
import { fromAnthropicResponse } from './from-anthropic-response';
import { toAnthropicRequest } from './to-anthropic-request';
import { AnthropicSseEvent } from './wire-types';

/*
 * A client can send anything and an upstream can answer anything: every entry point must answer with a
 * value, never an exception. Valid documents are damaged at random places (seeded, so a failure
 * replays) with values of the wrong type, and each damaged copy goes through the translation.
 */

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GARBAGE: unknown[] = [
  null,
  undefined,
  0,
  -1,
  1.5,
  1e308,
  Number.NaN,
  '',
  'x',
  'data:image/png;base64,',
  'constructor',
  '__proto__',
  true,
  false,
  [],
  [null],
  [{}],
  {},
  { type: 'text' },
  { type: 'function' },
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
];

/** Every path to a value inside `doc`, objects and arrays included. */
function paths(doc: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof doc !== 'object' || doc === null) return [prefix];
  const entries = Array.isArray(doc) ? doc.map((value, i) => [i, value] as const) : Object.entries(doc);
  return [prefix, ...entries.flatMap(([key, value]) => paths(value, [...prefix, key]))];
}

function damaged(doc: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(doc);
  if (path.length === 0) return value;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

function* damagedCopies(doc: unknown, seed: number, count: number): Generator<unknown> {
  const random = rng(seed);
  const all = paths(doc);
  for (const path of all) for (const value of GARBAGE) yield damaged(doc, path, value);
  for (let i = 0; i < count; i++) {
    let copy = doc;
    for (let hits = 1 + Math.floor(random() * 3); hits > 0; hits--) {
      const candidates = paths(copy);
      copy = damaged(copy, candidates[Math.floor(random() * candidates.length)], GARBAGE[Math.floor(random() * GARBAGE.length)]);
    }
    yield copy;
  }
}

const REQUEST = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K', detail: 'low' } },
        { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } },
      ],
    },
    {
      role: 'assistant',
      content: 'Checking',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"q":"x"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
  ],
  tools: [
    {
      type: 'function',
      function: { name: 'look', description: 'Look', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    },
  ],
  tool_choice: { type: 'function', function: { name: 'look' } },
  parallel_tool_calls: false,
  response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
  temperature: 0.5,
  top_p: 0.9,
  stop: ['END'],
  max_completion_tokens: 100,
  stream: true,
  user: 'u',
  n: 1,
};

const RESPONSE = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  content: [
    { type: 'text', text: 'Hi' },
    { type: 'tool_use', id: 'toolu_1', name: 'look', input: { q: 'x' } },
  ],
  stop_reason: 'tool_use',
  usage: { input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 3, cache_creation_input_tokens: 4 },
};

const STREAM = [
  { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3, output_tokens: 1 } } } },
  { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
  { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } } },
  { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
  {
    event: 'content_block_start',
    data: { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'f', input: {} } },
  },
  {
    event: 'content_block_delta',
    data: { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{}' } },
  },
  { event: 'content_block_stop', data: { type: 'content_block_stop', index: 1 } },
  { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 5 } } },
  { event: 'message_stop', data: { type: 'message_stop' } },
];

describe('hostile input', () => {
  it('the untouched documents translate', () => {
    expect(toAnthropicRequest(REQUEST, 'claude-x', { defaultMaxTokens: 1 }).ok).toBe(true);
    expect(fromAnthropicResponse(RESPONSE, { model: 'm' }).ok).toBe(true);
    const translator = new AnthropicStreamTranslator({ model: 'm', includeUsage: true });
    STREAM.forEach((event) => translator.push(event));
    expect(translator.finished).toBe(true);
  });

  it(`${toAnthropicRequest.name} answers every damaged request with ok or a named refusal`, () => {
    let refused = 0;
    for (const body of damagedCopies(REQUEST, 1, 3000)) {
      const result = toAnthropicRequest(body, 'claude-x', { defaultMaxTokens: 1024 });
      if (!result.ok) {
        refused++;
        expect(typeof result.param).toBe('string');
        expect(result.message).not.toBe('');
      } else {
        expect(() => JSON.stringify(result.body)).not.toThrow();
      }
    }
    expect(refused).toBeGreaterThan(100);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`${fromAnthropicResponse.name} answers every damaged response without throwing`, () => {
    for (const body of damagedCopies(RESPONSE, 2, 2000)) {
      const result = fromAnthropicResponse(body, { model: 'm', created: 1 });
      if (result.ok) {
        const { usage } = result.completion;
        // Whole numbers only: key limits count tokens exactly (BigInt), and a fraction would fail them.
        expect(Number.isSafeInteger(usage.total_tokens) && usage.total_tokens >= 0).toBe(true);
        expect(typeof result.completion.choices[0].finish_reason).toBe('string');
      }
    }
  });

  it(`${AnthropicStreamTranslator.name} takes every damaged stream without throwing`, () => {
    for (const events of damagedCopies(STREAM, 3, 2000)) {
      const translator = new AnthropicStreamTranslator({ model: 'm', includeUsage: true, created: 1 });
      const list = Array.isArray(events) ? events : [events];
      for (const event of list) translator.push(event as AnthropicSseEvent);
      expect(Number.isSafeInteger(translator.usage.total_tokens)).toBe(true);
    }
  });

  it(`${fromAnthropicError.name} reads anything`, () => {
    for (const body of damagedCopies({ type: 'error', error: { type: 'api_error', message: 'x' } }, 4, 200)) {
      const error = fromAnthropicError(body, 500);
      expect(typeof error.type).toBe('string');
      expect(typeof error.message).toBe('string');
    }
  });
});
