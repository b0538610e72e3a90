import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
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

  beforeEach(async () => {
    server = createServer((_req, res) => {
      // The first request is held until the test releases it: in flight when close() is called.
      if (release === undefined) {
        release = () => res.end('held');
        return;
      }
      res.end('quick');
    });
    // Far past the test's own timeout: only the drain can end an idle kept-alive connection in time.
    server.keepAliveTimeout = 600_000;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    release = undefined;
  });

  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });

  it('lets an answer in flight finish, then closes its connection left idle, and calls back', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const held = get(port, agent);
    await new Promise<void>((resolve) => server.once('request', () => setImmediate(resolve)));
    let closed = false;
    const drained = new HttpDrain(server).close().then(() => (closed = true));
    release!();
    expect(await held).toEqual({ connection: 'keep-alive', body: 'held' });
    // The client keeps the connection open and sends nothing more: the drain closes it.
    await drained;
    expect(closed).toBe(true);
    agent.destroy();
  });

  it('answers a request that comes on a kept-alive connection after close() with Connection: close, and ends it', async () => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const ended = once(socket, 'close');
    socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((resolve) => server.once('request', () => setImmediate(resolve)));
    const drained = new HttpDrain(server).close();
    // Pipelined behind the held one: Node reads it once the first is answered, after close().
    socket.write('GET /second HTTP/1.1\r\nHost: x\r\n\r\n');
    release!();
    await ended;
    await drained;
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200[\s\S]*Connection: keep-alive[\s\S]*held$/);
    expect(second).toMatch(/^HTTP\/1\.1 200[\s\S]*Connection: close[\s\S]*quick$/);
  });
});
