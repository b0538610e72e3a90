import { toAnthropicRequest } from './to-anthropic-request';
import { toAnthropicToolSettings } from './to-anthropic-tools';

function translate(body: Record<string, unknown>) {
  return toAnthropicRequest({ messages: [{ role: 'user', content: 'Hi' }], ...body }, 'claude-x', { defaultMaxTokens: 1024 });
}

function toolSettings(body: Record<string, unknown>) {
  const result = translate(body);
  if (!result.ok) throw new Error(`refused ${result.param}: ${result.message}`);
  return { tools: result.body.tools, tool_choice: result.body.tool_choice };
}

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const weather = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather by city', parameters: weatherSchema, strict: true },
};
const clock = { type: 'function', function: { name: 'get_time' } };

describe(toAnthropicToolSettings.name, () => {
  it('translates function tools, giving a tool without parameters an empty object schema', () => {
    expect(toolSettings({ tools: [weather, clock] })).toEqual({
      tools: [
        { name: 'get_weather', description: 'Weather by city', input_schema: weatherSchema },
        { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: undefined,
    });
  });

  it('adds the object type a schema leaves implicit', () => {
    const { tools } = toolSettings({ tools: [{ type: 'function', function: { name: 'f', parameters: { properties: {} } } }] });
    expect(tools?.[0].input_schema).toEqual({ type: 'object', properties: {} });
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    [
      { type: 'function', function: { name: 'get_time' } },
      { type: 'tool', name: 'get_time' },
    ],
  ])('maps tool_choice %j to %j', (choice, expected) => {
    expect(toolSettings({ tools: [weather, clock], tool_choice: choice }).tool_choice).toEqual(expected);
  });

  it('turns parallel_tool_calls: false into disable_parallel_tool_use on the choice', () => {
    expect(toolSettings({ tools: [weather], parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(toolSettings({ tools: [weather], tool_choice: 'required', parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    expect(
      toolSettings({ tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false })
        .tool_choice,
    ).toEqual({ type: 'tool', name: 'get_weather', disable_parallel_tool_use: true });
    expect(toolSettings({ tools: [weather], tool_choice: 'none', parallel_tool_calls: false }).tool_choice).toEqual({ type: 'none' });
    expect(toolSettings({ tools: [weather], parallel_tool_calls: true }).tool_choice).toBeUndefined();
  });

  it('sends no tool settings without tools, where auto and none mean nothing', () => {
    expect(toolSettings({ tools: [], tool_choice: 'auto', parallel_tool_calls: false })).toEqual({
      tools: undefined,
      tool_choice: undefined,
    });
    expect(toolSettings({ tool_choice: 'none' })).toEqual({ tools: undefined, tool_choice: undefined });
  });

  it.each([
    [{ tools: 'f' }, 'tools'],
    [{ tools: [null] }, 'tools[0]'],
    [{ tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type'],
    [{ tools: [{ type: 'function' }] }, 'tools[0].function'],
    [{ tools: [{ type: 'function', function: { name: '' } }] }, 'tools[0].function.name'],
    [{ tools: [weather, weather] }, 'tools[1].function.name'],
    [{ tools: [{ type: 'function', function: { name: 'f', description: 3 } }] }, 'tools[0].function.description'],
    [{ tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] }, 'tools[0].function.parameters'],
    [{ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }] }, 'tools[0].function.parameters.type'],
    [{ tool_choice: 'required' }, 'tool_choice'],
    [{ tool_choice: { type: 'function', function: { name: 'f' } } }, 'tool_choice'],
    [{ tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice.function.name'],
    [{ tools: [weather], tool_choice: { type: 'function' } }, 'tool_choice.function.name'],
    [{ tools: [weather], tool_choice: 'sometimes' }, 'tool_choice'],
    [{ tools: [weather], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } }, 'tool_choice.type'],
    [{ tools: [weather], parallel_tool_calls: 'no' }, 'parallel_tool_calls'],
  ])('refuses %j at %s', (body, param) => {
    expect(translate(body)).toMatchObject({ ok: false, param });
  });
});
