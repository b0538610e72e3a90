import { ANTHROPIC_WIRE } from './anthropic-wire';

describe('ANTHROPIC_WIRE stream relay', () => {
  const event = (name: string, data: unknown) => ({
    event: name,
    id: undefined,
    data: typeof data === 'string' ? data : JSON.stringify(data),
  });

  it('an event that is not JSON fails the stream (unreadable), and nothing after it is relayed', () => {
    const relay = ANTHROPIC_WIRE.streamRelay({ model: 'claude', includeUsage: false });
    expect(
      relay.push(event('message_start', { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3 } } })),
    ).toHaveLength(1);
    expect(relay.push(event('content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"text_d'))).toEqual([]);
    expect(relay.failure).toEqual({
      message: 'the provider sent an event that is not JSON',
      type: 'server_error',
      code: null,
      unreadable: true,
    });
    expect(relay.push(event('message_stop', { type: 'message_stop' }))).toEqual([]);
    expect(relay.finished).toBe(false);
  });
});
