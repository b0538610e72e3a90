import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { continueStream, readToFirstOutput } from './stream-start';

const usage = {
  inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 2, text: 2, reasoning: undefined },
};

function streamOf(parts: LanguageModelV3StreamPart[], failAfter?: Error): ReadableStream<LanguageModelV3StreamPart> {
  const queue = [...parts];
  // One part per pull: an error raised in start() would discard the parts queued before it.
  return new ReadableStream({
    pull(controller) {
      const part = queue.shift();
      if (part) controller.enqueue(part);
      else if (failAfter) controller.error(failAfter);
      else controller.close();
    },
  });
}

async function drain(stream: ReadableStream<LanguageModelV3StreamPart>): Promise<LanguageModelV3StreamPart[]> {
  const out: LanguageModelV3StreamPart[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

const preamble: LanguageModelV3StreamPart[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'response-metadata', id: 'r1', modelId: 'm' },
];

describe(readToFirstOutput.name, () => {
  it('holds the preamble back until the first output part', async () => {
    const started = await readToFirstOutput(
      streamOf([
        ...preamble,
        { type: 'text-start', id: '0' },
        { type: 'text-delta', id: '0', delta: '' },
        { type: 'text-delta', id: '0', delta: 'hi' },
        { type: 'text-delta', id: '0', delta: ' there' },
      ]),
    );
    // OpenAI's first chunk (an empty assistant message) becomes text-start and an empty delta: not output yet.
    expect(started.head.map((p) => (p.type === 'text-delta' ? `delta:${p.delta}` : p.type))).toEqual([
      'stream-start',
      'response-metadata',
      'text-start',
      'delta:',
      'delta:hi',
    ]);
  });

  it('fails on an error part, a broken stream or an empty one before any output', async () => {
    await expect(readToFirstOutput(streamOf([...preamble, { type: 'error', error: new Error('overloaded') }]))).rejects.toThrow(
      'overloaded',
    );
    await expect(readToFirstOutput(streamOf(preamble, new TypeError('terminated')))).rejects.toThrow('terminated');
    await expect(readToFirstOutput(streamOf(preamble))).rejects.toThrow('the stream ended before any output');
  });
});

describe(continueStream.name, () => {
  const end = () => ({
    finished: jest.fn((part: LanguageModelV3StreamPart) => ({ ...part, providerMetadata: { registry: { provider: 'p' } } })),
    failed: jest.fn(() => new Error('scrubbed')),
    ended: jest.fn(),
  });

  it('passes everything through and reports the finish once, with the report added', async () => {
    const hooks = end();
    const started = await readToFirstOutput(
      streamOf([
        ...preamble,
        { type: 'text-delta', id: '0', delta: 'a' },
        { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'stop' } },
      ]),
    );
    const parts = await drain(continueStream(started, hooks));
    expect(parts.map((p) => p.type)).toEqual(['stream-start', 'response-metadata', 'text-delta', 'finish']);
    expect(parts[3]).toMatchObject({ providerMetadata: { registry: { provider: 'p' } } });
    expect(hooks.finished).toHaveBeenCalledTimes(1);
    expect(hooks.ended).not.toHaveBeenCalled();
  });

  it('an error after output goes to the caller as the scrubbed error, reported once', async () => {
    const hooks = end();
    const started = await readToFirstOutput(streamOf([{ type: 'text-delta', id: '0', delta: 'a' }], new Error('sk-secret in the message')));
    const parts = await drain(continueStream(started, hooks));
    expect(parts).toEqual([
      { type: 'text-delta', id: '0', delta: 'a' },
      { type: 'error', error: new Error('scrubbed') },
    ]);
    expect(hooks.failed).toHaveBeenCalledTimes(1);
    expect(hooks.ended).not.toHaveBeenCalled();
  });

  it('a stream cut short without a finish, or cancelled by the reader, is reported as such', async () => {
    const cut = end();
    await drain(continueStream(await readToFirstOutput(streamOf([{ type: 'text-delta', id: '0', delta: 'a' }])), cut));
    expect(cut.ended).toHaveBeenCalledWith('no_finish');

    const cancelled = end();
    const stream = continueStream(await readToFirstOutput(streamOf([{ type: 'text-delta', id: '0', delta: 'a' }])), cancelled);
    await stream.cancel();
    expect(cancelled.ended).toHaveBeenCalledWith('cancelled');
  });
});
