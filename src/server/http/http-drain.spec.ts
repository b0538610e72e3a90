import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { HttpDrain } from './http-drain';

/** One request on a kept-alive agent: its status line's Connection header and body. */
function get(port: number, agent: Agent): Promise<{ connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HttpDrain', () => {
  let server: Server;
  let release: (() => void) | undefined;
  let port: number;
  let drain: HttpDrain;

  beforeEach(async () => {
    // The request is held until the test releases it: in flight when close() is called.
    server = createServer((_req, res) => (release = () => res.end('held')));
    // Far past the test's own timeout: only the drain can end an idle kept-alive connection in time.
    server.keepAliveTimeout = 600_000;
    drain = new HttpDrain(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });

  it('lets an answer in flight finish, saying Connection: close, and calls back once its connection is closed', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const held = get(port, agent);
    await new Promise<void>((resolve) => server.once('request', () => setImmediate(resolve)));
    const drained = drain.close(60_000);
    release!();
    expect(await held).toEqual({ connection: 'close', body: 'held' });
    expect(await drained).toEqual({ cut: 0 });
    agent.destroy();
  });

  it('cuts, once its time for answers is up, the connection of an answer still going, and says how many it cut', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const held = get(port, agent);
    await new Promise<void>((resolve) => server.once('request', () => setImmediate(resolve)));
    let closedAt = 0;
    const started = Date.now();
    const drained = drain.close(200);
    const gone = held.then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => {
        closedAt = Date.now();
        return error.code;
      },
    );
    expect(await drained).toEqual({ cut: 1 });
    expect(await gone).toBe('ECONNRESET');
    expect(closedAt - started).toBeGreaterThanOrEqual(150);
    agent.destroy();
  });

  it('closes, after a short grace, the connections with nothing to answer (one that sent nothing, one whose headers are still coming)', async () => {
    server.headersTimeout = 600_000;
    server.requestTimeout = 0;
    const accepted: Socket[] = [];
    server.on('connection', (socket: Socket) => accepted.push(socket));
    const silent = connect(port, '127.0.0.1');
    const partial = connect(port, '127.0.0.1', () => partial.write('GET / HTTP/1.1\r\nHost: x\r\n'));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const held = get(port, agent);
    await new Promise<void>((resolve) => server.once('request', () => setImmediate(resolve)));
    // Three connections accepted, two of which sent bytes: the held request's and the partial headers.
    while (accepted.length < 3 || accepted.filter((socket) => socket.bytesRead > 0).length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const drained = drain.close(60_000);
    // Both gone while the answer in flight is still held.
    await Promise.all([once(silent, 'close'), once(partial, 'close')]);
    release!();
    expect(await held).toEqual({ connection: 'close', body: 'held' });
    await drained;
    agent.destroy();
  });

  it('answers, saying Connection: close, a request a connection sends just after close()', async () => {
    const client = connect(port, '127.0.0.1');
    let received = '';
    client.setEncoding('utf8');
    client.on('data', (chunk: string) => (received += chunk));
    await once(client, 'connect');
    const drained = drain.close(60_000);
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((resolve) => server.once('request', () => setImmediate(resolve)));
    release!();
    await once(client, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received).toMatch(/\r\nConnection: close\r\n/i);
    expect(received).toMatch(/held$/);
    await drained;
  });
});
