import { OPENAI_WIRE } from './openai-wire';

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
  });
});
