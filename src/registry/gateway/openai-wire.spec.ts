import type { EventSourceMessage } from 'eventsource-parser';
import { UpstreamBodyError } from '../calls/upstream.errors';
import { OPENAI_EMBEDDINGS, OPENAI_WIRE } from './openai-wire';

const event = (data: string, name?: string): EventSourceMessage => ({ event: name, id: undefined, data });

describe('OPENAI_WIRE', () => {
  const answer = (usage: unknown) => JSON.stringify({ id: 'c1', object: 'chat.completion', choices: [], usage });

  it('reads the tokens of an answer’s usage', () => {
    expect(OPENAI_WIRE.chatAnswer(answer({ prompt_tokens: 11, completion_tokens: 3 }), 'm').tokens).toEqual({
      inputTokens: 11,
      outputTokens: 3,
    });
  });

  it('reports no count that is not a whole number: key limits and usage count tokens exactly', () => {
    for (const bad of [11.5, -1, 1e300, Number.MAX_SAFE_INTEGER + 2, '11', null]) {
      expect(OPENAI_WIRE.chatAnswer(answer({ prompt_tokens: bad, completion_tokens: bad }), 'm').tokens).toEqual({
        inputTokens: undefined,
        outputTokens: undefined,
      });
    }
  });

  it('reads a stream’s usage chunk the same way', () => {
    const relay = OPENAI_WIRE.streamRelay({ model: 'm', includeUsage: false });
    relay.push({
      event: undefined,
      id: undefined,
      data: JSON.stringify({ choices: [], usage: { prompt_tokens: 2.5, completion_tokens: 4 } }),
    });
    expect(relay.tokens).toEqual({ inputTokens: undefined, outputTokens: 4 });
  });

  it('refuses a 2xx answer that is not what it says: not JSON, not an object, no choices (chat) or data (embeddings)', () => {
    for (const text of ['{not json', '[]', '{}', '{"choices":{}}'])
      expect(() => OPENAI_WIRE.chatAnswer(text, 'm')).toThrow(UpstreamBodyError);
    expect(() => OPENAI_EMBEDDINGS.chatAnswer('{"object":"list"}', 'm')).toThrow('the answer has no data list');
    expect(OPENAI_EMBEDDINGS.chatAnswer('{"data":[],"usage":{"prompt_tokens":3}}', 'm').tokens).toEqual({
      inputTokens: 3,
      outputTokens: undefined,
    });
  });

  it('a stream: chunks relayed as they came, [DONE] ends it; named events are not chunks, a named error is a failure', () => {
    const relay = OPENAI_WIRE.streamRelay({ model: 'm', includeUsage: false });
    expect(relay.push(event('{"choices":[{"delta":{"content":"hi"}}]}'))).toEqual(['data: {"choices":[{"delta":{"content":"hi"}}]}\n\n']);
    expect(relay.push(event('{}', 'ping'))).toEqual([]);
    expect(relay.push(event(' {"choices":[]} ', 'message'))).toEqual(['data:  {"choices":[]} \n\n']);
    expect(relay.failure).toBeUndefined();
    expect(relay.push(event('[DONE]'))).toEqual(['data: [DONE]\n\n']);
    expect(relay.finished).toBe(true);

    const named = OPENAI_WIRE.streamRelay({ model: 'm', includeUsage: false });
    expect(named.push(event('{"error":{"message":"overloaded","type":"server_error"}}', 'error'))).toEqual([]);
    expect(named.failure).toEqual({ message: 'overloaded', type: 'server_error', code: null });
    // Other servers' error events keep their message: a named one with a bare message, TGI's string error.
    for (const [data, name] of [
      ['{"message":"model is loading"}', 'error'],
      ['{"error":"model is loading"}', undefined],
    ] as const) {
      const other = OPENAI_WIRE.streamRelay({ model: 'm', includeUsage: false });
      other.push(event(data, name));
      expect(other.failure?.message).toBe('model is loading');
    }
  });

  it('a stream that cannot be what it says fails, unreadable: an event not framed as an object, [DONE] before any chunk', () => {
    for (const garbage of ['{not json', 'not json}', '', 'null', '[1]']) {
      const relay = OPENAI_WIRE.streamRelay({ model: 'm', includeUsage: true });
      relay.push(event('{"choices":[]}'));
      expect(relay.push(event(garbage))).toEqual([]);
      expect(relay.failure).toEqual({
        message: 'the provider sent an event that is not a JSON object',
        type: 'server_error',
        code: null,
        unreadable: true,
      });
    }
    const empty = OPENAI_WIRE.streamRelay({ model: 'm', includeUsage: true });
    expect(empty.push(event('[DONE]'))).toEqual([]);
    expect(empty.finished).toBe(false);
    expect(empty.failure).toMatchObject({ message: 'the stream ended before any output', unreadable: true });
  });

  it('passes a JSON error back as written; one that is not JSON becomes OpenAI’s error shape, so it is the JSON the answer says', () => {
    const written = '{"error":{"message":"bad temperature","type":"invalid_request_error","param":"temperature","code":null}}';
    expect(OPENAI_WIRE.clientError(400, written)).toEqual({ status: 400, body: written });
    for (const [text, message] of [
      ['<html><body>Bad Request</body></html>', '<html><body>Bad Request</body></html>'],
      ['  not json\n', 'not json'],
      ['["a"]', '["a"]'],
      ['', 'the provider answered HTTP 404 without a body'],
    ]) {
      const relayed = OPENAI_WIRE.clientError(404, text);
      expect(relayed.status).toBe(404);
      expect(JSON.parse(relayed.body)).toEqual({ error: { message, type: 'invalid_request_error', param: null, code: null } });
    }
    expect(JSON.parse(OPENAI_WIRE.clientError(400, 'x'.repeat(5_000)).body).error.message).toHaveLength(1_000);
    // Another server's JSON (FastAPI's detail, a bare message or error string): OpenAI's shape, with its message.
    for (const [text, message] of [
      ['{"detail":"unprocessable"}', 'unprocessable'],
      ['{"message":"no such model"}', 'no such model'],
      ['{"error":"bad key"}', 'bad key'],
      ['{"error":{"code":7}}', '{"error":{"code":7}}'],
    ]) {
      expect(JSON.parse(OPENAI_WIRE.clientError(422, text).body)).toEqual({
        error: { message, type: 'invalid_request_error', param: null, code: null },
      });
    }
  });
});
