import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { getEventListeners } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { postUpstream, readBounded } from './upstream-http';

/** A loopback server answering with `handler`; it counts connections, and answers cut short by the client going away. */
function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets: Socket[] = [];
  const closed: ServerResponse[] = [];
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    res.on('close', () => res.writableFinished || closed.push(res));
    handler(req, res);
  });
  server.on('connection', (socket) => sockets.push(socket));
  return new Promise<{ url: string; sockets: Socket[]; closed: ServerResponse[]; requests: IncomingMessage[]; close: () => Promise<void> }>(
    (resolve) =>
      server.listen(0, '127.0.0.1', () =>
        resolve({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions?x=1`,
          sockets,
          closed,
          requests,
          close: () => new Promise<void>((done) => server.close(() => done())),
        }),
      ),
  );
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('postUpstream', () => {
  const agent = new Agent({ connections: 1 });
  const servers: Array<{ close: () => Promise<void> }> = [];
  const post = (url: string, signal = new AbortController().signal) =>
    postUpstream(agent, url, { 'content-type': 'application/json' }, '{"model":"m"}', signal);

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close().catch(() => undefined);
  });
  afterAll(() => agent.close());

  it('sends the POST as given and hands over status, headers and body; the connection is kept for the next call', async () => {
    let seen = '';
    const server = await startServer((req, res) => {
      let body = '';
      req
        .on('data', (chunk) => (body += chunk))
        .on('end', () => {
          seen = `${req.method} ${req.url} ${req.headers['content-type']} ${body}`;
          res.writeHead(201, { 'x-answer': 'yes', 'content-type': 'application/json' }).end('{"ok":true}');
        });
    });
    servers.push(server);

    const response = await post(server.url);
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-answer']).toBe('yes');
    expect(await response.body.text()).toBe('{"ok":true}');
    expect(seen).toBe('POST /v1/chat/completions?x=1 application/json {"model":"m"}');

    expect(await (await post(server.url)).body.text()).toBe('{"ok":true}');
    expect(server.sockets).toHaveLength(1);
  });

  it('a reader that holds off pauses the upstream socket (the sender is held back), then gets the whole body in order', async () => {
    const piece = (i: number) => `${String(i).padStart(6, '0')}${'x'.repeat(16 * 1024 - 6)}`;
    const PIECES = 2048; // 32 MiB: more than the kernel's socket buffers hold
    let sentAll = false;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const more = () => {
        while (i < PIECES) if (!res.write(piece(i++))) return void res.once('drain', more);
        sentAll = true;
        res.end();
      };
      more();
    });
    servers.push(server);

    const response = await post(server.url);
    const chunks = response.body[Symbol.asyncIterator]();
    let text = (await chunks.next()).value!.toString('latin1');
    await sleep(300); // long enough for an unpaused socket to take all of it into memory
    expect(sentAll).toBe(false);
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) text += next.value.toString('latin1');
    expect(sentAll).toBe(true);
    expect(text.length).toBe(PIECES * 16 * 1024);
    expect(text === Array.from({ length: PIECES }, (_, i) => piece(i)).join('')).toBe(true);
  });

  it('text() reads the whole body in one wait, also after the socket was paused for it, and rejects when the body breaks', async () => {
    const big = 'j'.repeat(1024 * 1024);
    const server = await startServer((req, res) => {
      if (req.headers['x-part'] === 'broken') {
        res.writeHead(200, { 'content-length': '100' }).write('only part');
        setTimeout(() => res.destroy(), 20);
        return;
      }
      res.writeHead(200).end(big);
    });
    servers.push(server);

    const response = await post(server.url);
    await sleep(100); // nobody reads: past the high-water mark the socket is paused
    expect(await response.body.text()).toBe(big);

    const broken = await postUpstream(agent, server.url, { 'x-part': 'broken' }, '{}', new AbortController().signal);
    await expect(broken.body.text()).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });

  it('text() refuses an answer past its bound (UpstreamBodyError) and drops the request, before or after it was asked for', async () => {
    const piece = 'x'.repeat(64 * 1024);
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      // Without end, as fast as the socket takes it.
      const more = () => {
        while (!res.destroyed && res.write(piece));
        if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    servers.push(server);

    const response = await post(server.url);
    await expect(response.body.text(256 * 1024)).rejects.toMatchObject({
      name: 'UpstreamBodyError',
      message: `the answer is larger than ${256 * 1024} bytes`,
    });
    await until('the upstream to see the request dropped', () => server.closed.length === 1);

    const small = await postUpstream(agent, server.url, {}, '{}', new AbortController().signal);
    await sleep(50); // paused at the high-water mark, unread
    await expect(small.body.text(16 * 1024)).rejects.toThrow(/larger than 16384 bytes/);
    await until('the second request dropped too', () => server.closed.length === 2);
  });

  it('rejects with the connection error when nobody listens', async () => {
    const server = await startServer(() => undefined);
    const url = server.url;
    await server.close();
    await expect(post(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('an aborted signal rejects with its reason, before the answer and during the body, and the upstream sees the request dropped', async () => {
    const server = await startServer((req, res) => {
      if (req.headers['x-part'] === 'body') res.writeHead(200).write('first');
      // Otherwise nothing: a hang.
    });
    servers.push(server);
    const reason = new Error('gone');

    const hanging = new AbortController();
    const before = post(server.url, hanging.signal);
    await until('the request to arrive', () => server.requests.length === 1);
    hanging.abort(reason);
    await expect(before).rejects.toBe(reason);
    await until('the first answer to be cut', () => server.closed.length === 1);

    const reading = new AbortController();
    const response = await postUpstream(agent, server.url, { 'x-part': 'body' }, '{}', reading.signal);
    const chunks = response.body[Symbol.asyncIterator]();
    expect((await chunks.next()).value?.toString()).toBe('first');
    const next = chunks.next();
    reading.abort(reason);
    await expect(next).rejects.toBe(reason);
    await until('the second answer to be cut', () => server.closed.length === 2);

    await expect(post(server.url, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(server.requests).toHaveLength(2); // an already aborted signal sends nothing
  });

  it('a call still waiting for a connection rejects at once when aborted, and never reaches the upstream', async () => {
    const server = await startServer(() => undefined); // the first call hangs, holding the one connection
    servers.push(server);
    const first = new AbortController();
    const hanging = post(server.url, first.signal);
    await until('the first request to arrive', () => server.requests.length === 1);

    const second = new AbortController();
    const waiting = post(server.url, second.signal);
    const reason = new Error('no connection in time');
    second.abort(reason);
    await expect(waiting).rejects.toBe(reason);

    first.abort(new Error('done'));
    await expect(hanging).rejects.toThrow('done');
    await sleep(100); // the pool is free: a queued request not dropped would arrive now
    expect(server.requests).toHaveLength(1);
  });

  it('leaves no listener on the signal once the exchange is over, answered or failed', async () => {
    const server = await startServer((req, res) => (req.headers['x-part'] === 'cut' ? res.destroy() : res.end('ok')));
    servers.push(server);
    const signal = new AbortController().signal;

    expect(await (await postUpstream(agent, server.url, {}, '{}', signal)).body.text()).toBe('ok');
    await expect(postUpstream(agent, server.url, { 'x-part': 'cut' }, '{}', signal)).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('readBounded keeps the start of a long error body and drops the rest with its connection; destroy() drops an unread one', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(500);
      res.write('e'.repeat(100 * 1024));
      // Never ended: only dropping the body frees the reader.
    });
    servers.push(server);

    const text = await readBounded((await post(server.url)).body, 1000);
    expect(text).toBe('e'.repeat(1000));
    await until('the first answer to be cut', () => server.closed.length === 1);

    (await post(server.url)).body.destroy();
    await until('the second answer to be cut', () => server.closed.length === 2);
  });
});
