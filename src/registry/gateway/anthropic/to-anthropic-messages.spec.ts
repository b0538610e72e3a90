import { anthropicToolId, toAnthropicConversation } from './to-anthropic-messages';
import { toAnthropicRequest } from './to-anthropic-request';
import { AnthropicMessage } from './wire-types';

function messagesOf(messages: unknown[]): AnthropicMessage[] {
  const result = toAnthropicRequest({ messages }, 'claude-x', { defaultMaxTokens: 1024 });
  if (!result.ok) throw new Error(`refused ${result.param}: ${result.message}`);
  return result.body.messages;
}

function refusalOf(messages: unknown[]) {
  const result = toAnthropicRequest({ messages }, 'claude-x', { defaultMaxTokens: 1024 });
  if (result.ok) throw new Error('translated, expected a refusal');
  return result;
}

const weatherCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
const timeCall = { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } };

describe(toAnthropicConversation.name, () => {
  it('translates a multi-turn conversation with parallel tool calls and their results', () => {
    expect(
      messagesOf([
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'Weather and time in Paris?' },
        { role: 'assistant', content: 'Let me check.', tool_calls: [weatherCall, timeCall] },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C, cloudy' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '14:00' }] },
        { role: 'assistant', content: 'It is 18°C and 14:00.' },
        { role: 'user', content: 'Thanks' },
      ]),
    ).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather and time in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: { tz: 'CET' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C, cloudy' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '14:00' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'It is 18°C and 14:00.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
    ]);
  });

  it('translates an assistant turn with null content and only tool calls', () => {
    const [, assistant] = messagesOf([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: null, tool_calls: [weatherCall] },
    ]);
    expect(assistant).toEqual({
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
    });
  });

  it('reads empty or missing arguments as a call without arguments, and accepts an arguments object', () => {
    const [, assistant] = messagesOf([
      { role: 'user', content: 'Hi' },
      {
        role: 'assistant',
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'f', arguments: '' } },
          { id: 'b', function: { name: 'g' } },
          { id: 'c', type: 'function', function: { name: 'h', arguments: { x: 1 } } },
        ],
      },
    ]);
    expect(assistant.content.map((block) => (block.type === 'tool_use' ? block.input : undefined))).toEqual([{}, {}, { x: 1 }]);
  });

  it.each([
    ['{"city":', 'is not valid JSON'],
    ['[1,2]', 'must be a JSON object, got an array'],
    ['"text"', 'must be a JSON object, got a string'],
    ['null', 'must be a JSON object, got null'],
  ])('refuses arguments %p, naming the call', (args, message) => {
    const refusal = refusalOf([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', tool_calls: [weatherCall, { ...timeCall, function: { name: 'get_time', arguments: args } }] },
    ]);
    expect(refusal).toEqual({ ok: false, param: 'messages[1].tool_calls[1].function.arguments', message });
  });

  it('refuses a tool call without id or name, or of another type', () => {
    const call = (patch: object) =>
      refusalOf([
        { role: 'user', content: 'Hi' },
        { role: 'assistant', tool_calls: [{ ...weatherCall, ...patch }] },
      ]).param;
    expect(call({ id: '' })).toBe('messages[1].tool_calls[0].id');
    expect(call({ id: 7 })).toBe('messages[1].tool_calls[0].id');
    expect(call({ function: { arguments: '{}' } })).toBe('messages[1].tool_calls[0].function.name');
    expect(call({ function: 'f' })).toBe('messages[1].tool_calls[0].function');
    expect(call({ type: 'custom' })).toBe('messages[1].tool_calls[0].type');
  });

  it('gives call and result the same Anthropic-safe id', () => {
    expect(anthropicToolId('call_abc-123')).toBe('call_abc-123');
    expect(anthropicToolId('toolu.01:x/y')).toBe('toolu_01_x_y');
    const [, assistant, user] = messagesOf([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', tool_calls: [{ ...weatherCall, id: 'fc.1:a' }] },
      { role: 'tool', tool_call_id: 'fc.1:a', content: 'ok' },
    ]);
    expect(assistant.content[0]).toMatchObject({ id: 'fc_1_a' });
    expect(user.content[0]).toMatchObject({ tool_use_id: 'fc_1_a' });
  });

  it('leaves out the content of a tool result that returned nothing, and keeps several text parts as blocks', () => {
    const [, , results] = messagesOf([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', tool_calls: [weatherCall, timeCall] },
      { role: 'tool', tool_call_id: 'call_1', content: '' },
      {
        role: 'tool',
        tool_call_id: 'call_2',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    ]);
    expect(results.content).toEqual([
      { type: 'tool_result', tool_use_id: 'call_1' },
      {
        type: 'tool_result',
        tool_use_id: 'call_2',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    ]);
  });

  it('refuses a tool message without tool_call_id', () => {
    expect(
      refusalOf([
        { role: 'user', content: 'Hi' },
        { role: 'tool', content: 'x' },
      ]).param,
    ).toBe('messages[1].tool_call_id');
  });

  describe('alternation', () => {
    it('merges consecutive user messages and consecutive assistant messages', () => {
      expect(
        messagesOf([
          { role: 'user', content: 'One' },
          { role: 'user', content: [{ type: 'text', text: 'Two' }] },
          { role: 'assistant', content: 'A' },
          { role: 'assistant', content: [{ type: 'text', text: 'B' }] },
          { role: 'user', content: 'Three' },
        ]),
      ).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'One' },
            { type: 'text', text: 'Two' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'A' },
            { type: 'text', text: 'B' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Three' }] },
      ]);
    });

    it('merges tool results with the user message after them, results first', () => {
      const [, , merged] = messagesOf([
        { role: 'user', content: 'Hi' },
        { role: 'assistant', tool_calls: [weatherCall] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'user', content: 'And tomorrow?' },
      ]);
      expect(merged).toEqual({
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
          { type: 'text', text: 'And tomorrow?' },
        ],
      });
    });

    it('puts tool results first even when a user message came before them', () => {
      const [, , merged] = messagesOf([
        { role: 'user', content: 'Hi' },
        { role: 'assistant', tool_calls: [weatherCall] },
        { role: 'user', content: 'hurry' },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ]);
      expect(merged.content.map((block) => block.type)).toEqual(['tool_result', 'text']);
    });

    it('drops messages left without content, and merges across them', () => {
      expect(
        messagesOf([
          { role: 'user', content: 'One' },
          { role: 'assistant', content: '' },
          { role: 'assistant', content: null },
          { role: 'user', content: 'Two' },
        ]),
      ).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'One' },
            { type: 'text', text: 'Two' },
          ],
        },
      ]);
    });
  });

  it('reads an assistant refusal part as text', () => {
    const [, assistant] = messagesOf([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] },
    ]);
    expect(assistant.content).toEqual([{ type: 'text', text: 'I cannot.' }]);
  });

  it.each([
    [[{ role: 'function', name: 'f', content: 'x' }], 'messages[0].role'],
    [[{ role: 'robot', content: 'x' }], 'messages[0].role'],
    [[{ content: 'x' }], 'messages[0].role'],
    [['hello'], 'messages[0]'],
    [[{ role: 'user' }], 'messages[0].content'],
    [[{ role: 'user', content: 5 }], 'messages[0].content'],
    [[{ role: 'user', content: [5] }], 'messages[0].content[0]'],
    [[{ role: 'user', content: [{ text: 'x' }] }], 'messages[0].content[0].type'],
    [[{ role: 'user', content: [{ type: 'text', text: 5 }] }], 'messages[0].content[0].text'],
    [[{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }], 'messages[0].content[0].type'],
    [[{ role: 'user', content: [{ type: 'video' }] }], 'messages[0].content[0].type'],
    [
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: 'f' },
      ],
      'messages[1].tool_calls',
    ],
    [
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] },
      ],
      'messages[1].content[0].type',
    ],
  ])('refuses %j at %s', (messages, param) => {
    expect(refusalOf(messages).param).toBe(param);
  });
});
