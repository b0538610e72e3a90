import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamAnswer } from '../../registry';
import { writeAnswer, writeOpenAiError } from './answer-writer';

describe('writeAnswer', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  it('a stream whose answer cannot begin (a header Node refuses) still runs its relay’s end, and the error is answered in OpenAI’s shape', async () => {
    const relay: string[] = [];
    async function* frames(): AsyncGenerator<string, void, undefined> {
      try {
        relay.push('started');
        yield 'data: {}\n\n';
        relay.push('read on');
      } finally {
        relay.push('settled'); // where the real relay aborts the upstream and records the attempt
      }
    }
    const answer: StreamAnswer = {
      kind: 'stream',
      frames: frames(),
      origin: {
        provider: 'openai',
        model: 'bad\r\nmodel',
        attempts: 1,
        report: { provider: 'openai', model: 'bad\r\nmodel', source: 'global_default', failed: [], skipped: [] },
      },
    };
    const logged: string[] = [];
    const logger = { log: () => undefined, warn: () => undefined, error: (line: string) => void logged.push(line) };
    let failure: unknown;
    server = createServer((_req, res) => {
      writeAnswer(res, {}, answer).catch((error: unknown) => {
        failure = error;
        writeOpenAiError(error, res, logger);
      });
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));

    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null },
    });
    expect(failure).toMatchObject({ code: 'ERR_INVALID_CHAR' });
    expect(relay).toEqual(['started', 'settled']);
    expect(logged).toEqual([expect.stringContaining('Unexpected gateway failure')]);
  });
});
