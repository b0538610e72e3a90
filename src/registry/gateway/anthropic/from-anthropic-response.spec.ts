import { fromAnthropicResponse } from './from-anthropic-response';

const options = { model: 'anthropic/claude-sonnet-4-5', created: 1_700_000_000 };

function message(patch: Record<string, unknown>) {
  return {
    id: 'msg_01',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [{ type: 'text', text: 'Hello!' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 5 },
    ...patch,
  };
}

describe(fromAnthropicResponse.name, () => {
  it('translates a text answer', () => {
    expect(fromAnthropicResponse(message({}), options)).toEqual({
      ok: true,
      completion: {
        id: 'msg_01',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'anthropic/claude-sonnet-4-5',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 } },
      },
    });
  });

  it('joins text blocks, turns tool_use into tool_calls and leaves out thinking and server tool blocks', () => {
    const result = fromAnthropicResponse(
      message({
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'text', text: 'Checking ' },
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } },
          { type: 'text', text: 'the weather.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', days: [1, 2] } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
        ],
        stop_reason: 'tool_use',
      }),
      options,
    );
    expect(result.ok && result.completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Checking the weather.',
        refusal: null,
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":[1,2]}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });

  it('answers content null beside tool calls alone, and an empty string for an empty answer', () => {
    const toolsOnly = fromAnthropicResponse(message({ content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }), options);
    expect(toolsOnly.ok && toolsOnly.completion.choices[0].message.content).toBeNull();
    const empty = fromAnthropicResponse(message({ content: [] }), options);
    expect(empty.ok && empty.completion.choices[0].message).toEqual({ role: 'assistant', content: '', refusal: null });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
    ['something_new', 'stop'],
  ])('maps stop_reason %p to finish_reason %p', (stopReason, finishReason) => {
    const result = fromAnthropicResponse(message({ stop_reason: stopReason }), options);
    expect(result.ok && result.completion.choices[0].finish_reason).toBe(finishReason);
  });

  it('counts cache writes and reads in prompt_tokens, and reads as cached', () => {
    const result = fromAnthropicResponse(
      message({ usage: { input_tokens: 10, cache_creation_input_tokens: 200, cache_read_input_tokens: 1000, output_tokens: 7 } }),
      options,
    );
    expect(result.ok && result.completion.usage).toEqual({
      prompt_tokens: 1210,
      completion_tokens: 7,
      total_tokens: 1217,
      prompt_tokens_details: { cached_tokens: 1000 },
    });
  });

  it('reads missing or malformed counts as 0', () => {
    const result = fromAnthropicResponse(
      message({ usage: { input_tokens: 'ten', output_tokens: -3, cache_read_input_tokens: null } }),
      options,
    );
    expect(result.ok && result.completion.usage.total_tokens).toBe(0);
    const noUsage = fromAnthropicResponse(message({ usage: undefined }), options);
    expect(noUsage.ok && noUsage.completion.usage.total_tokens).toBe(0);
  });

  it('sets created to now when not given', () => {
    const before = Math.floor(Date.now() / 1000);
    const result = fromAnthropicResponse(message({}), { model: 'm' });
    expect(result.ok && result.completion.created).toBeGreaterThanOrEqual(before);
  });

  it.each([
    [null],
    ['Hello'],
    [{ type: 'error', error: { type: 'api_error', message: 'boom' } }],
    [message({ content: 'Hello' })],
    [message({ content: [null] })],
    [message({ content: [{ type: 'text' }] })],
    [message({ content: [{ type: 'tool_use', name: 'f', input: {} }] })],
  ])('refuses an unreadable answer %j without throwing', (body) => {
    expect(fromAnthropicResponse(body, options)).toMatchObject({ ok: false, message: expect.any(String) });
  });
});
