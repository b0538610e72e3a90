import { JSON_OBJECT_INSTRUCTION } from './response-format';
import { toAnthropicRequest } from './to-anthropic-request';
import { AnthropicRequest } from './wire-types';

const MODEL = 'claude-sonnet-4-5';
const hello = [{ role: 'user', content: 'Hello' }];

function translate(body: unknown) {
  return toAnthropicRequest(body, MODEL, { defaultMaxTokens: 4096 });
}

function translated(body: Record<string, unknown>): AnthropicRequest {
  const result = translate({ messages: hello, ...body });
  if (!result.ok) throw new Error(`refused ${result.param}: ${result.message}`);
  return result.body;
}

describe(toAnthropicRequest.name, () => {
  it('translates the smallest request: the given model, the default max_tokens, one user turn', () => {
    expect(translate({ model: 'gpt-4o', messages: hello })).toEqual({
      ok: true,
      body: { model: MODEL, max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] },
    });
  });

  describe('max tokens', () => {
    it('takes max_completion_tokens over the deprecated max_tokens, and max_tokens alone', () => {
      expect(translated({ max_tokens: 100, max_completion_tokens: 200 }).max_tokens).toBe(200);
      expect(translated({ max_tokens: 100 }).max_tokens).toBe(100);
      expect(translated({ max_tokens: null, max_completion_tokens: null }).max_tokens).toBe(4096);
    });

    it.each([0, -5, 1.5, '100', true, {}, Number.MAX_VALUE])('refuses max_tokens %p', (value) => {
      expect(translate({ messages: hello, max_tokens: value })).toMatchObject({ ok: false, param: 'max_tokens' });
    });
  });

  describe('temperature and top_p', () => {
    it.each([
      [0, 0],
      [0.7, 0.7],
      [1, 1],
      [1.5, 1],
      [2, 1],
    ])('clamps temperature %p to Anthropic range as %p', (input, expected) => {
      expect(translated({ temperature: input }).temperature).toBe(expected);
    });

    it.each([-0.1, 2.1, '0.5', Number.NaN])('refuses temperature %p as OpenAI would', (value) => {
      expect(translate({ messages: hello, temperature: value })).toMatchObject({ ok: false, param: 'temperature' });
    });

    it('passes top_p below 1 and leaves out the no-op 1', () => {
      expect(translated({ top_p: 0.9 }).top_p).toBe(0.9);
      expect(translated({ temperature: 0.2, top_p: 1 })).not.toHaveProperty('top_p');
      expect(translate({ messages: hello, top_p: 1.5 })).toMatchObject({ ok: false, param: 'top_p' });
    });
  });

  describe('stop', () => {
    it('turns a string or an array into stop_sequences, dropping empty strings', () => {
      expect(translated({ stop: 'END' }).stop_sequences).toEqual(['END']);
      expect(translated({ stop: ['a', '', 'b'] }).stop_sequences).toEqual(['a', 'b']);
      expect(translated({ stop: [] })).not.toHaveProperty('stop_sequences');
      expect(translated({ stop: '' })).not.toHaveProperty('stop_sequences');
      expect(translated({ stop: null })).not.toHaveProperty('stop_sequences');
    });

    it('names the bad entry', () => {
      expect(translate({ messages: hello, stop: ['ok', 3] })).toMatchObject({ ok: false, param: 'stop[1]' });
      expect(translate({ messages: hello, stop: 3 })).toMatchObject({ ok: false, param: 'stop' });
    });
  });

  it('passes stream: true and leaves stream: false out', () => {
    expect(translated({ stream: true }).stream).toBe(true);
    expect(translated({ stream: false })).not.toHaveProperty('stream');
    expect(translate({ messages: hello, stream: 'yes' })).toMatchObject({ ok: false, param: 'stream' });
  });

  it('sends user (or safety_identifier) as metadata.user_id', () => {
    expect(translated({ user: 'u-42' }).metadata).toEqual({ user_id: 'u-42' });
    expect(translated({ safety_identifier: 'hash-1' }).metadata).toEqual({ user_id: 'hash-1' });
    expect(translated({ user: 'u-42', safety_identifier: 'hash-1' }).metadata).toEqual({ user_id: 'u-42' });
    expect(translated({ user: '' })).not.toHaveProperty('metadata');
    expect(translate({ messages: hello, user: 42 })).toMatchObject({ ok: false, param: 'user' });
  });

  describe('system prompt', () => {
    it('lifts one system message into a string', () => {
      const body = translated({ messages: [{ role: 'system', content: 'Be brief.' }, ...hello] });
      expect(body.system).toBe('Be brief.');
      expect(body.messages).toHaveLength(1);
    });

    it('keeps several system and developer messages, wherever they stand, as text blocks in order', () => {
      const body = translated({
        messages: [
          { role: 'system', content: 'One.' },
          { role: 'developer', content: [{ type: 'text', text: 'Two.' }] },
          ...hello,
          { role: 'assistant', content: 'Hi' },
          { role: 'system', content: '' },
          { role: 'system', content: 'Three.' },
          { role: 'user', content: 'Again' },
        ],
      });
      expect(body.system).toEqual([
        { type: 'text', text: 'One.' },
        { type: 'text', text: 'Two.' },
        { type: 'text', text: 'Three.' },
      ]);
      expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    });

    it('refuses an image in a system message', () => {
      const result = translate({
        messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] }, ...hello],
      });
      expect(result).toMatchObject({ ok: false, param: 'messages[0].content[0].type' });
    });

    it('refuses a conversation of system messages only, which Anthropic cannot take', () => {
      expect(translate({ messages: [{ role: 'system', content: 'Be brief.' }] })).toMatchObject({ ok: false, param: 'messages' });
    });
  });

  describe('response_format', () => {
    it('sends json_schema as Anthropic structured output', () => {
      const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
      const body = translated({ response_format: { type: 'json_schema', json_schema: { name: 'thing', strict: true, schema } } });
      expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    });

    it('turns json_object into a system instruction after the client system prompt', () => {
      const body = translated({
        messages: [{ role: 'system', content: 'Answer in JSON.' }, ...hello],
        response_format: { type: 'json_object' },
      });
      expect(body.system).toEqual([
        { type: 'text', text: 'Answer in JSON.' },
        { type: 'text', text: JSON_OBJECT_INSTRUCTION },
      ]);
      expect(body).not.toHaveProperty('output_config');
    });

    it('ignores text and refuses the unknown', () => {
      expect(translated({ response_format: { type: 'text' } })).not.toHaveProperty('system');
      expect(translate({ messages: hello, response_format: { type: 'xml' } })).toMatchObject({ ok: false, param: 'response_format.type' });
      expect(translate({ messages: hello, response_format: { type: 'json_schema' } })).toMatchObject({
        ok: false,
        param: 'response_format.json_schema',
      });
      expect(translate({ messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'x' } } })).toMatchObject({
        ok: false,
        param: 'response_format.json_schema.schema',
      });
    });
  });

  describe('fields Anthropic cannot honour', () => {
    it.each([
      ['n', 2],
      ['logprobs', true],
      ['top_logprobs', 3],
      ['logit_bias', { '50256': -100 }],
      ['presence_penalty', 0.5],
      ['frequency_penalty', -1],
      ['audio', { voice: 'alloy', format: 'mp3' }],
      ['modalities', ['text', 'audio']],
      ['functions', [{ name: 'f' }]],
      ['function_call', 'auto'],
      ['reasoning_effort', 'high'],
      ['web_search_options', {}],
    ])('refuses %s: %p, naming it', (param, value) => {
      const result = translate({ messages: hello, [param]: value });
      expect(result).toMatchObject({ ok: false, param });
      expect(result.ok || result.message.length > 10).toBe(true);
    });

    it.each([
      ['n', 1],
      ['logprobs', false],
      ['top_logprobs', 0],
      ['logit_bias', {}],
      ['presence_penalty', 0],
      ['frequency_penalty', 0],
      ['modalities', ['text']],
      ['reasoning_effort', 'none'],
      ['audio', null],
    ])('accepts the no-op %s: %p', (param, value) => {
      expect(translate({ messages: hello, [param]: value }).ok).toBe(true);
    });

    it('ignores fields that do not change the answer', () => {
      const body = translated({
        seed: 7,
        store: true,
        metadata: { a: 'b' },
        service_tier: 'auto',
        prediction: { type: 'content', content: 'x' },
        stream_options: { include_usage: true },
        prompt_cache_key: 'k',
      });
      expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model']);
    });
  });

  it.each([null, 'text', 42, [], true])('refuses a body that is %p', (body) => {
    expect(translate(body)).toMatchObject({ ok: false, param: 'body' });
  });

  it('refuses missing or empty messages', () => {
    expect(translate({})).toMatchObject({ ok: false, param: 'messages' });
    expect(translate({ messages: [] })).toMatchObject({ ok: false, param: 'messages' });
  });
});
