import { isAbsent, isObject, JsonObject } from './guards';
import { refuse } from './refusal';

/*
 * OpenAI request fields Anthropic has no way to honour. The rule: a field that would change the answer
 * and that we cannot carry out is refused with its name (400), so the client learns instead of getting
 * a silently different answer; set to its no-op value (n: 1, logprobs: false, a penalty of 0, null) it
 * passes. Fields that do not change the answer are ignored (see the table in toAnthropicRequest).
 */

function refuseUnless(body: JsonObject, param: string, isNoOp: (value: unknown) => boolean, message: string): void {
  const value = body[param];
  if (!isAbsent(value) && !isNoOp(value)) refuse(param, message);
}

const zero = (value: unknown) => value === 0;

export function refuseUnsupportedParams(body: JsonObject): void {
  refuseUnless(body, 'n', (v) => v === 1, 'Anthropic models return one choice per request; n must be 1');
  refuseUnless(body, 'logprobs', (v) => v === false, 'log probabilities are not available from Anthropic models');
  refuseUnless(body, 'top_logprobs', zero, 'log probabilities are not available from Anthropic models');
  refuseUnless(body, 'logit_bias', (v) => isObject(v) && Object.keys(v).length === 0, 'logit_bias is not supported by Anthropic models');
  refuseUnless(body, 'presence_penalty', zero, 'presence_penalty is not supported by Anthropic models; leave it out or set it to 0');
  refuseUnless(body, 'frequency_penalty', zero, 'frequency_penalty is not supported by Anthropic models; leave it out or set it to 0');
  refuseUnless(body, 'audio', () => false, 'audio output is not supported by Anthropic models');
  refuseUnless(
    body,
    'modalities',
    (v) => Array.isArray(v) && v.every((m) => m === 'text'),
    'Anthropic models answer with text only; modalities must be ["text"]',
  );
  refuseUnless(body, 'functions', () => false, 'the deprecated functions field is not supported; send tools instead');
  refuseUnless(body, 'function_call', () => false, 'the deprecated function_call field is not supported; send tool_choice instead');
  refuseUnless(
    body,
    'reasoning_effort',
    (v) => v === 'none',
    'reasoning_effort is not supported for Anthropic models through this gateway; leave it out',
  );
  refuseUnless(body, 'web_search_options', () => false, 'web search is not supported for Anthropic models through this gateway');
}
