import { Agent, request } from 'undici';
import { FakeProviderServer } from '../../support/fake-provider-server';
import { ADMIN_TOKEN, Instance, startInstance, stopInstance } from '../../support/instances';
import { waitFor } from '../../support/server-process';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

const CLIENTS = 20;
/** Usage the server records in-process (record()) right after it listens: pending until the final flush. */
const RECORDED = 500;

interface Client {
  /** Usage posts answered 200: the server said they are in the database. */
  acknowledged: number;
  answered: number;
  /** Answers that told the client to close the connection. */
  closing: number;
  done: Promise<void>;
}

/** A client on one keep-alive connection, calling usage and select back to back until the server is gone. */
function busyClient(url: string, id: number, token: string): Client {
  const agent = new Agent({ connections: 1, pipelining: 1 });
  const client: Client = { acknowledged: 0, answered: 0, closing: 0, done: Promise.resolve() };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  client.done = (async () => {
    try {
      for (let i = 0; ; i++) {
        const usage = i % 2 === 0;
        const response = await request(`${url}${usage ? '/api/usage' : '/api/models/select'}`, {
          method: 'POST',
          dispatcher: agent,
          headers: usage ? { ...headers, 'idempotency-key': `client-${id}-${i}` } : headers,
          body: JSON.stringify(usage ? { records: [{ provider: 'openai', requests: 1 }] } : { modelType: 'text' }),
        });
        await response.body.text();
        client.answered++;
        if (response.headers.connection === 'close') client.closing++;
        if (usage && response.statusCode === 200) client.acknowledged++;
      }
    } catch {
      // The server stopped listening: this client is done.
    } finally {
      await agent.close().catch(() => undefined);
    }
  })();
  return client;
}

describe('SIGTERM under keep-alive load (real process)', () => {
  let db: TestDatabase;
  let server: Instance | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    if (server) await stopInstance(server, 1000);
    await db?.drop();
  });

  it('stops taking requests, closes the kept-alive connections, flushes and exits 0 with every acknowledged usage written', async () => {
    server = await startInstance({
      databaseUrl: db.url,
      entry: 'test/support/usage-recording-server.ts',
      args: [String(RECORDED), 'openai'],
      env: { USAGE_FLUSH_MS: '600000', SHUTDOWN_TIMEOUT_MS: '8000' },
    });
    await waitFor('the in-process usage records', () =>
      server!.output().includes(`recorded ${RECORDED} usage records`) ? true : undefined,
    );
    const clients = Array.from({ length: CLIENTS }, (_, id) => busyClient(server!.url, id, ADMIN_TOKEN));
    // Every client busy on its connection before the signal.
    await waitFor('every client to be answered', () => (clients.every((c) => c.answered >= 4) ? true : undefined));

    server.child.kill('SIGTERM');
    const code = await server.exited;
    await Promise.all(clients.map((c) => c.done));

    expect(server.logs().filter((line) => /did not finish|Shutdown:/.test(String(line.msg)))).toEqual([]);
    expect(code).toBe(0);
    // The log ends saying the shutdown finished, and how long it took.
    expect(server.logs().at(-1)).toMatchObject({ level: 30, context: 'Bootstrap', msg: expect.stringMatching(/^Stopped in \d+ ms$/) });
    // The connections were told to close rather than cut: some answers after the signal said so.
    expect(clients.reduce((n, c) => n + c.closing, 0)).toBeGreaterThan(0);
    const acknowledged = clients.reduce((n, c) => n + c.acknowledged, 0);
    const dataSource = await db.dataSource();
    const [{ n }] = await dataSource.query(`SELECT usage_count::int AS n FROM provider_configs WHERE provider = 'openai'`);
    expect(n).toBe(RECORDED + acknowledged);
  }, 120_000);

  /**
   * A server on a database of its own whose one gateway stream is held open by an upstream that stalls
   * after its first chunk, that chunk received; then SIGTERM, and `check` once it has exited, with the
   * exit code and that database. With `holdFlushMs`, the table the final usage flush updates is locked
   * by another session from just before the signal until that long after it.
   */
  async function sigtermWithStalledStream(
    { holdFlushMs }: { holdFlushMs?: number },
    check: (code: number | null, held: TestDatabase) => Promise<void>,
  ): Promise<void> {
    const apiKey = 'sk-proj-Sd7Lq2Wm9Xc4Vb8Nz1Kd6Hf3Jg5Rt0Ye';
    const fakes = new FakeProviderServer();
    await fakes.start();
    const held = await createTestDatabase();
    try {
      const openai = fakes.add('shutdown-openai', { kind: 'openai', apiKey });
      openai.setMode({ type: 'stream_stall', afterChunks: 1 });
      server = await startInstance({
        databaseUrl: held.url,
        env: { SHUTDOWN_TIMEOUT_MS: '1500', STREAM_IDLE_TIMEOUT_MS: '600000', USAGE_FLUSH_MS: '600000' },
      });
      await server.api('POST', '/api/providers/openai/credentials', { apiKey, baseUrl: openai.baseUrl });
      const { body: created } = await server.api('POST', '/api/keys', { name: 'held-open' });
      const key = (created as { data: { key: string } }).data.key;
      const stream = await request(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Say hello' }] }),
      });
      await stream.body[Symbol.asyncIterator]().next(); // the first chunk came; the rest never will
      const dataSource = await held.dataSource();
      let unlocked: Promise<void> = Promise.resolve();
      if (holdFlushMs !== undefined) {
        const locker = dataSource.createQueryRunner();
        await locker.startTransaction();
        await locker.query('LOCK TABLE provider_configs IN EXCLUSIVE MODE');
        unlocked = new Promise<void>((resolve) => setTimeout(resolve, holdFlushMs)).then(async () => {
          await locker.commitTransaction();
          await locker.release();
        });
      }
      server.child.kill('SIGTERM');
      const code = await server.exited;
      await unlocked;
      await stream.body.text().catch(() => undefined);
      await check(code, held);
    } finally {
      await held.drop();
      await fakes.close();
    }
  }

  it('a stream a stalled upstream holds open is cut at half of SHUTDOWN_TIMEOUT_MS, its call recorded as cancelled and flushed: exit 0', async () => {
    await sigtermWithStalledStream({}, async (code, held) => {
      expect(code).toBe(0);
      const lines = server!.logs();
      expect(lines.filter((line) => (line.level as number) >= 40).map((line) => line.msg)).toEqual([
        'Shutdown: cut 1 answer(s) still going after 750 ms (gateway calls among them are recorded as cancelled)',
      ]);
      expect(lines.at(-1)).toMatchObject({ level: 30, context: 'Bootstrap', msg: expect.stringMatching(/^Stopped in \d+ ms$/) });
      const dataSource = await held.dataSource();
      const logged = await dataSource.query(`SELECT result, provider, stream FROM request_log`);
      expect(logged).toEqual([{ result: 'cancelled', provider: 'openai', stream: true }]);
      const [{ n }] = await dataSource.query(`SELECT usage_count::int AS n FROM provider_configs WHERE provider = 'openai'`);
      expect(n).toBe(1);
    });
  }, 120_000);

  it('a shutdown that cannot finish (a final flush the database holds up) ends at SHUTDOWN_TIMEOUT_MS, exit 1, saying so last', async () => {
    await sigtermWithStalledStream({ holdFlushMs: 4000 }, async (code) => {
      expect(code).toBe(1);
      expect(server!.logs().at(-1)).toMatchObject({
        level: 50,
        context: 'Bootstrap',
        msg: 'Shutdown did not finish within SHUTDOWN_TIMEOUT_MS=1500 ms; usage of 1 request(s) is not known to be written: exiting',
      });
    });
  }, 120_000);

  it('a shutdown that finishes only after SHUTDOWN_TIMEOUT_MS, within the exit grace, is not reported as stopped', async () => {
    // The flush waits for the lock until 1.8 s after the signal: after the shutdown's deadline (1.5 s),
    // before the exit that follows it (its 500 ms grace).
    await sigtermWithStalledStream({ holdFlushMs: 1800 }, async (code) => {
      // Exit 1, and the deadline's error is the shutdown's last word, though the rest of it ran on in
      // the grace: never "Stopped", never exit 0.
      expect(code).toBe(1);
      const bootstrap = server!.logs().filter((line) => line.context === 'Bootstrap');
      expect(bootstrap.at(-1)).toMatchObject({
        level: 50,
        msg: expect.stringMatching(/^Shutdown did not finish within SHUTDOWN_TIMEOUT_MS=1500 ms/),
      });
      expect(bootstrap.filter((line) => /^Stopped in/.test(String(line.msg)))).toEqual([]);
    });
  }, 120_000);
});
