import { AnthropicStreamTranslator } from './anthropic-stream';
import { AnthropicSseEvent, OpenAiChatCompletionChunk } from './wire-types';

const MODEL = 'anthropic/claude-sonnet-4-5';
const CREATED = 1_700_000_000;

function ev(data: Record<string, unknown>): AnthropicSseEvent {
  return { event: String(data.type), data };
}

const start = (usage: Record<string, unknown> = { input_tokens: 25, output_tokens: 1 }) =>
  ev({
    type: 'message_start',
    message: { id: 'msg_01', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, usage },
  });
const textStart = (index: number) => ev({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
const text = (index: number, value: string) => ev({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: value } });
const toolStart = (index: number, id: string, name: string) =>
  ev({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } });
const json = (index: number, partial: string) =>
  ev({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
const stop = (index: number) => ev({ type: 'content_block_stop', index });
const messageDelta = (stopReason: string, outputTokens: number) =>
  ev({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } });
const messageStop = ev({ type: 'message_stop' });
const ping = ev({ type: 'ping' });

function run(events: AnthropicSseEvent[], includeUsage = false) {
  const translator = new AnthropicStreamTranslator({ model: MODEL, includeUsage, created: CREATED });
  const chunks = events.flatMap((event) => translator.push(event));
  return { translator, chunks };
}

/** What an OpenAI client rebuilds from the chunks. */
function reassemble(chunks: OpenAiChatCompletionChunk[]) {
  let content = '';
  const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
  const finishReasons: string[] = [];
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      content += choice.delta.content ?? '';
      for (const call of choice.delta.tool_calls ?? []) {
        const slot = (calls[call.index] ??= { arguments: '' });
        if (call.id) slot.id = call.id;
        if (call.function.name) slot.name = call.function.name;
        slot.arguments += call.function.arguments;
      }
      if (choice.finish_reason) finishReasons.push(choice.finish_reason);
    }
  }
  return { content, calls, finishReasons };
}

describe(AnthropicStreamTranslator.name, () => {
  it('translates a streamed text answer chunk by chunk', () => {
    const { translator, chunks } = run([
      start(),
      textStart(0),
      ping,
      text(0, 'Hello'),
      text(0, ', world'),
      stop(0),
      messageDelta('end_turn', 9),
      messageStop,
    ]);
    const base = { id: 'msg_01', object: 'chat.completion.chunk', created: CREATED, model: MODEL };
    expect(chunks).toEqual([
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { content: ', world' }, logprobs: null, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
    ]);
    expect(translator.finished).toBe(true);
    expect(translator.error).toBeUndefined();
    expect(translator.finishReason).toBe('stop');
    expect(translator.usage).toEqual({
      prompt_tokens: 25,
      completion_tokens: 9,
      total_tokens: 34,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  it('streams text and two tool calls that reassemble into whole calls with their own indexes', () => {
    const { chunks, translator } = run([
      start(),
      textStart(0),
      text(0, 'Let me check.'),
      stop(0),
      toolStart(1, 'toolu_A', 'get_weather'),
      json(1, ''),
      json(1, '{"city": "Pa'),
      json(1, 'ris"}'),
      stop(1),
      toolStart(2, 'toolu_B', 'get_time'),
      json(2, '{"tz":"CET"}'),
      stop(2),
      messageDelta('tool_use', 60),
      messageStop,
    ]);
    expect(reassemble(chunks)).toEqual({
      content: 'Let me check.',
      calls: [
        { id: 'toolu_A', name: 'get_weather', arguments: '{"city": "Paris"}' },
        { id: 'toolu_B', name: 'get_time', arguments: '{"tz":"CET"}' },
      ],
      finishReasons: ['tool_calls'],
    });
    const firstCall = chunks.find((chunk) => chunk.choices[0]?.delta.tool_calls);
    expect(firstCall?.choices[0].delta.tool_calls).toEqual([
      { index: 0, id: 'toolu_A', type: 'function', function: { name: 'get_weather', arguments: '' } },
    ]);
    const fragments = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).filter((call) => call.id === undefined);
    expect(fragments.every((call) => call.function.arguments !== '' && call.function.name === undefined)).toBe(true);
    expect(translator.finished).toBe(true);
  });

  it('gives a tool call without arguments "{}", which clients can parse', () => {
    const { chunks } = run([start(), toolStart(0, 'toolu_1', 'get_time'), json(0, ''), stop(0), messageDelta('tool_use', 3), messageStop]);
    expect(reassemble(chunks).calls).toEqual([{ id: 'toolu_1', name: 'get_time', arguments: '{}' }]);
  });

  it('ends with a usage chunk, and usage: null on the others, when the client asked for usage', () => {
    const { chunks } = run(
      [
        start({ input_tokens: 5, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000, output_tokens: 1 }),
        textStart(0),
        text(0, 'Hi'),
        stop(0),
        messageDelta('max_tokens', 4),
        messageStop,
      ],
      true,
    );
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null && chunk.choices.length === 1)).toBe(true);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('length');
    expect(chunks.at(-1)).toEqual({
      id: 'msg_01',
      object: 'chat.completion.chunk',
      created: CREATED,
      model: MODEL,
      choices: [],
      usage: { prompt_tokens: 2105, completion_tokens: 4, total_tokens: 2109, prompt_tokens_details: { cached_tokens: 2000 } },
    });
  });

  it('sends no usage field at all when the client did not ask', () => {
    const { chunks } = run([start(), textStart(0), text(0, 'Hi'), stop(0), messageDelta('end_turn', 2), messageStop]);
    expect(chunks.some((chunk) => 'usage' in chunk || chunk.choices.length === 0)).toBe(false);
  });

  it('takes input counts repeated in message_delta over those of message_start', () => {
    const { translator } = run([
      start({ input_tokens: 10, output_tokens: 1 }),
      ev({
        type: 'message_delta',
        delta: { stop_reason: 'end_turn' },
        usage: { input_tokens: 12, cache_read_input_tokens: 3, output_tokens: 8 },
      }),
      messageStop,
    ]);
    expect(translator.anthropicUsage).toEqual({
      input_tokens: 12,
      output_tokens: 8,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 3,
    });
  });

  it('exposes an error event in OpenAI words, stops, and ignores what follows', () => {
    const { translator, chunks } = run([
      start(),
      textStart(0),
      text(0, 'Par'),
      ev({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      text(0, 'is'),
      messageStop,
    ]);
    expect(reassemble(chunks).content).toBe('Par');
    expect(translator.error).toEqual({ message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded_error' });
    expect(translator.finished).toBe(false);
    expect(translator.usage.prompt_tokens).toBe(25);
  });

  it('reports a stream cut before message_stop as not finished, without an error of its own', () => {
    const { translator } = run([start(), textStart(0), text(0, 'Hel')]);
    expect(translator.finished).toBe(false);
    expect(translator.error).toBeUndefined();
    expect(translator.finishReason).toBeNull();
  });

  it('sends the finish chunk at message_stop when no message_delta said why', () => {
    const { chunks, translator } = run([start(), textStart(0), text(0, 'x'), stop(0), messageStop]);
    expect(chunks.at(-1)?.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    expect(translator.finished).toBe(true);
  });

  it('ignores events after message_stop, and a second message_start', () => {
    const translator = new AnthropicStreamTranslator({ model: MODEL, includeUsage: false, created: CREATED });
    expect(translator.push(start())).toHaveLength(1);
    expect(translator.push(start())).toEqual([]);
    translator.push(messageStop);
    expect(translator.push(text(0, 'late'))).toEqual([]);
    expect(translator.push(ev({ type: 'error', error: { type: 'api_error', message: 'x' } }))).toEqual([]);
    expect(translator.error).toBeUndefined();
  });

  it('drops thinking, citations and server tool blocks', () => {
    const { chunks } = run([
      start(),
      ev({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } }),
      stop(0),
      ev({
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
      }),
      json(1, '{"query":"x"}'),
      stop(1),
      textStart(2),
      text(2, 'Answer'),
      stop(2),
      messageDelta('end_turn', 5),
      messageStop,
    ]);
    expect(reassemble(chunks)).toEqual({ content: 'Answer', calls: [], finishReasons: ['stop'] });
  });

  it('uses data.type when the event has no name, and opens with the role chunk whatever comes first', () => {
    const { chunks } = run([{ event: '', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } } }]);
    expect(chunks.map((chunk) => chunk.choices[0].delta)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hi' }]);
    expect(chunks[0].id).toBe(`chatcmpl-${CREATED}`);
  });

  it('fails on a tool call it cannot follow', () => {
    const { translator } = run([start(), ev({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', name: 'f' } })]);
    expect(translator.error).toMatchObject({ type: 'server_error' });
  });

  it('survives hostile events without throwing', () => {
    const translator = new AnthropicStreamTranslator({ model: MODEL, includeUsage: true, created: CREATED });
    const hostile: unknown[] = [
      null,
      'message_start',
      { event: 5, data: 'x' },
      { event: 'message_start', data: { message: 'x' } },
      { event: 'message_start', data: { message: { id: 7, usage: { input_tokens: 'many' } } } },
      { event: 'content_block_delta', data: { index: 'x', delta: { type: 'input_json_delta', partial_json: 5 } } },
      { event: 'content_block_delta', data: { delta: null } },
      { event: 'content_block_stop', data: [] },
      { event: 'message_delta', data: { delta: { stop_reason: 9 }, usage: { output_tokens: Number.NaN } } },
      { event: 'content_block_start', data: { index: -1, content_block: { type: 'tool_use', id: 'a', name: 'b' } } },
      { event: 'error', data: null },
    ];
    for (const event of hostile) {
      const alone = new AnthropicStreamTranslator({ model: MODEL, includeUsage: true, created: CREATED });
      expect(() => alone.push(event as AnthropicSseEvent)).not.toThrow();
      expect(() => translator.push(event as AnthropicSseEvent)).not.toThrow();
    }
    expect(translator.error).toMatchObject({ type: 'server_error' });
    expect(translator.usage.total_tokens).toBe(0);
  });
});
