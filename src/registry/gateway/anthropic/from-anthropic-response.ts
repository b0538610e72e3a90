import { isObject, isString } from './guards';
import { toOpenAiFinishReason } from './finish-reason';
import { readAnthropicUsage, toOpenAiUsage } from './usage';
import { OpenAiAssistantMessage, OpenAiChatCompletion, OpenAiToolCall } from './wire-types';

export interface OpenAiResponseOptions {
  /** The model id the client asked for, echoed back as OpenAI does. */
  model: string;
  /** Unix seconds; now by default. */
  created?: number;
}

/** `ok: false` when the upstream's answer is not a message we can read (the gateway answers 502). */
export type OpenAiCompletionTranslation = { ok: true; completion: OpenAiChatCompletion } | { ok: false; message: string };

/**
 * An Anthropic Messages response (JSON, unchecked) → an OpenAI `chat.completion`. Text blocks are joined
 * into `content`; `tool_use` blocks become `tool_calls` with their input as a JSON string; blocks OpenAI
 * has no place for (thinking, server tools and their results) are left out. Never throws.
 */
export function fromAnthropicResponse(body: unknown, options: OpenAiResponseOptions): OpenAiCompletionTranslation {
  const created = options.created ?? Math.floor(Date.now() / 1000);
  if (!isObject(body) || body.type !== 'message' || !Array.isArray(body.content)) {
    return { ok: false, message: 'the upstream answer is not an Anthropic message' };
  }
  const texts: string[] = [];
  const toolCalls: OpenAiToolCall[] = [];
  for (const [i, block] of body.content.entries()) {
    if (!isObject(block)) return { ok: false, message: `the upstream message's content[${i}] is not an object` };
    if (block.type === 'text') {
      if (!isString(block.text)) return { ok: false, message: `the upstream message's content[${i}] has no text` };
      texts.push(block.text);
    } else if (block.type === 'tool_use') {
      const call = toolCall(block);
      if (!call) return { ok: false, message: `the upstream message's content[${i}] is not a readable tool_use block` };
      toolCalls.push(call);
    }
  }
  const message: OpenAiAssistantMessage = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : toolCalls.length > 0 ? null : '',
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    ok: true,
    completion: {
      id: isString(body.id) ? body.id : `chatcmpl-${created}`,
      object: 'chat.completion',
      created,
      model: options.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: toOpenAiFinishReason(body.stop_reason) }],
      usage: toOpenAiUsage(readAnthropicUsage(body.usage)),
    },
  };
}

function toolCall(block: Record<string, unknown>): OpenAiToolCall | undefined {
  if (!isString(block.id) || !isString(block.name)) return undefined;
  let args: string;
  try {
    args = JSON.stringify(isObject(block.input) ? block.input : {});
  } catch {
    return undefined; // nested deeper than the stack: not an input any tool could take
  }
  return { id: block.id, type: 'function', function: { name: block.name, arguments: args } };
}
