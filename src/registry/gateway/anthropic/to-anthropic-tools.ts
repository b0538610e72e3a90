import { describe, isAbsent, isObject, isString, JsonObject } from './guards';
import { refuse } from './refusal';
import { AnthropicTool, AnthropicToolChoice } from './wire-types';

export interface AnthropicToolSettings {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

/**
 * OpenAI `tools`, `tool_choice` and `parallel_tool_calls` → Anthropic `tools` and `tool_choice`.
 * `function.strict` is dropped: Anthropic's strict tools exist only on some models, and the gateway
 * does not know which model it talks to; the schema itself still goes through unchanged.
 */
export function toAnthropicToolSettings(body: JsonObject): AnthropicToolSettings {
  const tools = toAnthropicTools(body.tools);
  const choice = toAnthropicToolChoice(body.tool_choice, tools);
  const parallel = body.parallel_tool_calls;
  if (!isAbsent(parallel) && typeof parallel !== 'boolean') {
    return refuse('parallel_tool_calls', `expected a boolean, got ${describe(parallel)}`);
  }
  if (tools.length === 0) return {};
  const settings: AnthropicToolSettings = { tools };
  if (parallel === false && choice?.type !== 'none')
    settings.tool_choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  else if (choice) settings.tool_choice = choice;
  return settings;
}

function toAnthropicTools(input: unknown): AnthropicTool[] {
  if (isAbsent(input)) return [];
  if (!Array.isArray(input)) return refuse('tools', `expected an array of tools, got ${describe(input)}`);
  const seen = new Set<string>();
  return input.map((tool: unknown, i) => {
    const at = `tools[${i}]`;
    if (!isObject(tool)) return refuse(at, `expected a tool object, got ${describe(tool)}`);
    if (tool.type !== 'function') return refuse(`${at}.type`, 'only function tools are supported for Anthropic models');
    const fn = tool.function;
    if (!isObject(fn)) return refuse(`${at}.function`, `expected an object, got ${describe(fn)}`);
    if (!isString(fn.name) || fn.name === '') return refuse(`${at}.function.name`, `expected a non-empty string, got ${describe(fn.name)}`);
    if (seen.has(fn.name)) return refuse(`${at}.function.name`, `tool ${fn.name} is declared twice`);
    seen.add(fn.name);
    const translated: AnthropicTool = { name: fn.name, input_schema: inputSchema(fn.parameters, `${at}.function.parameters`) };
    if (isString(fn.description)) translated.description = fn.description;
    else if (!isAbsent(fn.description)) return refuse(`${at}.function.description`, `expected a string, got ${describe(fn.description)}`);
    return translated;
  });
}

/** Anthropic requires an object schema at the root; OpenAI allows parameters to be left out. */
function inputSchema(parameters: unknown, param: string): JsonObject {
  if (isAbsent(parameters)) return { type: 'object', properties: {} };
  if (!isObject(parameters)) return refuse(param, `expected a JSON Schema object, got ${describe(parameters)}`);
  if (parameters.type === undefined) return { type: 'object', ...parameters };
  if (parameters.type !== 'object') return refuse(`${param}.type`, 'the parameters schema must describe an object');
  return parameters;
}

function toAnthropicToolChoice(choice: unknown, tools: AnthropicTool[]): AnthropicToolChoice | undefined {
  if (isAbsent(choice)) return undefined;
  const needsTools = (what: string) => refuse('tool_choice', `${what} needs tools to choose from; none were given`);
  if (choice === 'auto' || choice === 'none') return tools.length > 0 ? { type: choice } : undefined;
  if (choice === 'required') return tools.length > 0 ? { type: 'any' } : needsTools('required');
  if (isObject(choice) && choice.type === 'function') {
    const name = isObject(choice.function) ? choice.function.name : undefined;
    if (!isString(name) || name === '') return refuse('tool_choice.function.name', `expected a non-empty string, got ${describe(name)}`);
    if (tools.length === 0) return needsTools(`function ${name}`);
    if (!tools.some((tool) => tool.name === name)) return refuse('tool_choice.function.name', `no tool named ${name} was given in tools`);
    return { type: 'tool', name };
  }
  if (isObject(choice) && choice.type === 'allowed_tools') {
    return refuse('tool_choice.type', 'allowed_tools is not supported for Anthropic models; send only the allowed tools');
  }
  return refuse('tool_choice', 'expected auto, none, required or {"type":"function","function":{"name":…}}');
}
