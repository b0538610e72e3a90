import { describe, isObject, isString, JsonObject } from './guards';
import { refuse } from './refusal';
import { contentTexts, textContentBlocks, userContentBlocks } from './to-anthropic-content';
import { AnthropicMessage, AnthropicToolResultBlock, AnthropicToolUseBlock, AnthropicUserBlock } from './wire-types';

export interface AnthropicConversation {
  /** The text of every system and developer message, in order (empty ones left out). */
  system: string[];
  /** Alternating user and assistant turns. */
  messages: AnthropicMessage[];
}

/**
 * OpenAI `messages` → Anthropic's `system` text and `messages`.
 *
 * - system and developer messages are lifted out wherever they stand (Anthropic has one top-level
 *   system prompt; a mid-conversation instruction keeps its order among the others).
 * - tool messages become `tool_result` blocks in a user turn.
 * - consecutive turns of one role are merged into one (Anthropic requires alternation), and within a
 *   merged user turn the tool results go first (Anthropic requires them first, answering the tool_use
 *   of the turn before).
 * - a message that leaves no content (empty text, assistant with null content and no calls) is dropped.
 * - `name` has no Anthropic equivalent and is dropped.
 */
export function toAnthropicConversation(input: unknown): AnthropicConversation {
  if (!Array.isArray(input)) return refuse('messages', `expected an array of messages, got ${describe(input)}`);
  if (input.length === 0) return refuse('messages', 'must contain at least one message');
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  input.forEach((message: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isObject(message)) return refuse(at, `expected a message object, got ${describe(message)}`);
    const { role } = message;
    switch (role) {
      case 'system':
      case 'developer':
        system.push(...contentTexts(message.content, `${at}.content`).filter((text) => text !== ''));
        return;
      case 'user':
        return appendTurn(messages, { role: 'user', content: userContentBlocks(message.content, `${at}.content`) });
      case 'assistant':
        return appendTurn(messages, {
          role: 'assistant',
          content: [...textContentBlocks(message.content, `${at}.content`), ...toolUseBlocks(message.tool_calls, `${at}.tool_calls`)],
        });
      case 'tool':
        return appendTurn(messages, { role: 'user', content: [toolResultBlock(message, at)] });
      case 'function':
        return refuse(`${at}.role`, 'the deprecated function role is not supported; send tool messages with a tool_call_id');
      default:
        return refuse(
          `${at}.role`,
          `unknown role ${isString(role) ? role : describe(role)}; expected system, developer, user, assistant or tool`,
        );
    }
  });
  if (messages.length === 0) return refuse('messages', 'must contain at least one user, assistant or tool message with content');
  return { system, messages: messages.map(toolResultsFirst) };
}

function appendTurn(messages: AnthropicMessage[], next: AnthropicMessage): void {
  if (next.content.length === 0) return;
  const last = messages.at(-1);
  if (last?.role === 'user' && next.role === 'user') last.content.push(...next.content);
  else if (last?.role === 'assistant' && next.role === 'assistant') last.content.push(...next.content);
  else messages.push(next);
}

function toolResultsFirst(message: AnthropicMessage): AnthropicMessage {
  if (message.role !== 'user') return message;
  const isResult = (block: AnthropicUserBlock) => block.type === 'tool_result';
  return { role: 'user', content: [...message.content.filter(isResult), ...message.content.filter((b) => !isResult(b))] };
}

/**
 * Anthropic accepts tool_use ids matching ^[a-zA-Z0-9_-]+$; OpenAI's `call_…` ids do, another upstream's
 * might not (a conversation can move between providers). Both the call and its result go through here,
 * so they still match.
 */
export function anthropicToolId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, '_');
}

function nonEmptyString(value: unknown, param: string): string {
  if (!isString(value)) return refuse(param, `expected a string, got ${describe(value)}`);
  if (value === '') return refuse(param, 'must not be empty');
  return value;
}

function toolUseBlocks(toolCalls: unknown, param: string): AnthropicToolUseBlock[] {
  if (toolCalls === null || toolCalls === undefined) return [];
  if (!Array.isArray(toolCalls)) return refuse(param, `expected an array of tool calls, got ${describe(toolCalls)}`);
  return toolCalls.map((call: unknown, j) => {
    const at = `${param}[${j}]`;
    if (!isObject(call)) return refuse(at, `expected a tool call object, got ${describe(call)}`);
    if (call.type !== undefined && call.type !== 'function') {
      return refuse(`${at}.type`, 'only function tool calls are supported for Anthropic models');
    }
    if (!isObject(call.function)) return refuse(`${at}.function`, `expected an object, got ${describe(call.function)}`);
    return {
      type: 'tool_use',
      id: anthropicToolId(nonEmptyString(call.id, `${at}.id`)),
      name: nonEmptyString(call.function.name, `${at}.function.name`),
      input: toolInput(call.function.arguments, `${at}.function.arguments`),
    };
  });
}

/** OpenAI sends arguments as JSON text; Anthropic wants the object. An empty string is a call without arguments. */
function toolInput(args: unknown, param: string): JsonObject {
  if (args === undefined || args === null) return {};
  if (isObject(args)) return args;
  if (!isString(args)) return refuse(param, `expected a JSON string, got ${describe(args)}`);
  if (args.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return refuse(param, 'is not valid JSON');
  }
  if (!isObject(parsed)) return refuse(param, `must be a JSON object, got ${describe(parsed)}`);
  return parsed;
}

function toolResultBlock(message: JsonObject, param: string): AnthropicToolResultBlock {
  const block: AnthropicToolResultBlock = {
    type: 'tool_result',
    tool_use_id: anthropicToolId(nonEmptyString(message.tool_call_id, `${param}.tool_call_id`)),
  };
  const texts = textContentBlocks(message.content, `${param}.content`);
  if (texts.length === 1) block.content = texts[0].text;
  else if (texts.length > 1) block.content = texts;
  return block;
}
