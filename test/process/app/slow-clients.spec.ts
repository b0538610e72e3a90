import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Instance, startInstance, stopInstance } from '../../support/instances';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

/** A raw connection to the instance that sends `text` (nothing when empty) and keeps what comes back. */
async function rawClient(url: string, text: string): Promise<{ socket: Socket; received: () => string }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  if (text !== '') socket.write(text);
  return { socket, received: () => received };
}

describe('slow and silent clients (real process)', () => {
  let db: TestDatabase;
  let server: Instance | undefined;

  beforeEach(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    if (server) await stopInstance(server, 1000);
    server = undefined;
    await db.drop();
  });

  it('a request whose headers do not arrive within HTTP_HEADERS_TIMEOUT_MS is answered 408 and closed; others are answered meanwhile', async () => {
    server = await startInstance({ databaseUrl: db.url, env: { HTTP_HEADERS_TIMEOUT_MS: '1000' } });
    const slow = await rawClient(server.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await once(slow.socket, 'close');
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  }, 60_000);

  it('SIGTERM closes at once the connections with no request to answer (silent, or headers still coming) and stops cleanly', async () => {
    // Timeouts far past the test's own: only the shutdown closing them lets it finish, and exit 0.
    server = await startInstance({
      databaseUrl: db.url,
      env: { HTTP_HEADERS_TIMEOUT_MS: '600000', HTTP_REQUEST_TIMEOUT_MS: '600000', SHUTDOWN_TIMEOUT_MS: '600000' },
    });
    const silent = await rawClient(server.url, '');
    const partial = await rawClient(server.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200); // both accepted by now
    server.child.kill('SIGTERM');
    await Promise.all([once(silent.socket, 'close'), once(partial.socket, 'close')]);
    expect(await server.exited).toBe(0);
    expect(server.logs().at(-1)).toMatchObject({ context: 'Bootstrap', msg: expect.stringMatching(/^Stopped in \d+ ms$/) });
    server = undefined;
  }, 60_000);
});
