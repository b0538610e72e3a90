import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { startEmbeddedSocketServer, type EmbeddedSocketServer } from '../../../src/embedded-postgres/embedded-socket-server';
import { MessageFramer, PROTOCOL_V3, SSL_REQUEST, CANCEL_REQUEST, type WireMessage } from '../../../src/embedded-postgres/pg-wire';
import { loadPGlite } from '../../support/load-pglite';

const { PGlite: PGliteClass, protocol } = loadPGlite();
const wire = protocol.serialize;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startupPacket(params: Record<string, string>): Buffer {
  const body = Buffer.from(`${Object.entries(params).flat().join('\0')}\0\0`);
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(PROTOCOL_V3, 4);
  return Buffer.concat([header, body]);
}

function requestPacket(code: number): Buffer {
  const packet = Buffer.alloc(code === CANCEL_REQUEST ? 16 : 8);
  packet.writeInt32BE(packet.length, 0);
  packet.writeInt32BE(code, 4);
  return packet;
}

/** The text values of a DataRow ('D'). */
function rowValues(message: WireMessage): string[] {
  const values: string[] = [];
  let at = 7;
  for (let i = message.bytes.readInt16BE(5); i > 0; i--) {
    const length = message.bytes.readInt32BE(at);
    values.push(message.bytes.toString('utf8', at + 4, at + 4 + length));
    at += 4 + length;
  }
  return values;
}

async function tcp(port: number): Promise<Socket> {
  const socket = connectTcp(port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

/** A client that speaks the wire protocol message by message, to do what `pg` never does. */
class RawClient {
  private readonly framer = new MessageFramer({ startup: false });
  private readonly inbox: WireMessage[] = [];
  private wake = () => undefined as void;
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.inbox.push(...this.framer.push(chunk));
      this.wake();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static async connect(port: number, startup = true): Promise<RawClient> {
    const client = new RawClient(await tcp(port));
    if (startup) {
      client.send(startupPacket({ user: 'raw', database: 'raw' }));
      await client.readUntil('Z');
    }
    return client;
  }

  send(...messages: Uint8Array[]): void {
    this.socket.write(Buffer.concat(messages));
  }

  /** The messages received up to and including the next one of `type`. */
  async readUntil(type: string): Promise<WireMessage[]> {
    for (;;) {
      const end = this.inbox.findIndex((message) => message.type === type);
      if (end >= 0) return this.inbox.splice(0, end + 1);
      await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), this.closed]);
      if (this.socket.destroyed && !this.inbox.some((message) => message.type === type)) {
        throw new Error(`connection closed before '${type}'; got ${this.inbox.map((m) => m.type).join('')}`);
      }
    }
  }

  /** Rows of the answer to one Parse/Bind/Execute/Sync group. */
  async rows(): Promise<string[][]> {
    return (await this.readUntil('Z')).filter((message) => message.type === 'D').map(rowValues);
  }
}

async function pgClient(port: number, options: { user?: string; password?: string; database?: string } = {}): Promise<Client> {
  const client = new Client({ host: '127.0.0.1', port, ...options });
  await client.connect();
  return client;
}

describe('embedded socket server', () => {
  let db: PGlite;
  let server: EmbeddedSocketServer;
  const warnings: string[] = [];
  const fatal: Error[] = [];
  const logger = { log: () => undefined, warn: (msg: string) => warnings.push(msg), error: (msg: string) => warnings.push(msg) };

  beforeAll(async () => {
    db = new PGliteClass();
    await db.exec('CREATE TABLE items (name text NOT NULL)');
    server = await startEmbeddedSocketServer(db, { port: 0, password: null, logger, onFatal: (error) => fatal.push(error) });
  });

  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  afterEach(async () => {
    expect(fatal).toEqual([]);
    await db.exec('DELETE FROM items');
  });

  it('listens on a free port of 127.0.0.1', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
  });

  it('without a password, lets any user, password and database in, after answering an SSLRequest with N', async () => {
    const socket = await tcp(server.port);
    socket.write(requestPacket(SSL_REQUEST));
    const [answer] = (await once(socket, 'data')) as [Buffer];
    expect(answer.toString()).toBe('N');
    const raw = new RawClient(socket);
    raw.send(startupPacket({ user: 'whoever', database: 'nowhere', application_name: 'spec' }));
    const messages = await raw.readUntil('Z');
    expect(messages[0].type).toBe('R');
    expect(messages[0].bytes.readInt32BE(5)).toBe(0); // AuthenticationOk
    expect(messages.map((m) => m.type)).toEqual(expect.arrayContaining(['S', 'K']));
    expect(messages.at(-1)!.bytes.toString('latin1', 5)).toBe('I');
    raw.socket.destroy();

    const client = await pgClient(server.port, { user: 'someone', password: 'secret', database: 'elsewhere' });
    expect((await client.query('SELECT 1 + 1 AS two')).rows).toEqual([{ two: 2 }]);
    expect(server.stats().connections).toBe(1);
    await client.end();
  });

  it('with a password, lets in any user who sends it and refuses everyone else before anything reaches PGlite', async () => {
    const guarded = await startEmbeddedSocketServer(db, {
      port: 0,
      password: 'per-start secret',
      logger,
      onFatal: (error) => fatal.push(error),
    });
    try {
      await expect(pgClient(guarded.port, { user: 'intruder', password: 'nopassword' })).rejects.toMatchObject({
        code: '28P01',
        message: 'password authentication failed for user "intruder"',
      });
      await expect(pgClient(guarded.port, { user: 'intruder' })).rejects.toMatchObject({ code: '28P01' });

      // A client that skips the password is refused, and what it sent never runs.
      const raw = await RawClient.connect(guarded.port, false);
      raw.send(startupPacket({ user: 'raw', database: 'raw' }));
      const [request] = await raw.readUntil('R');
      expect(request.bytes.readInt32BE(5)).toBe(3); // AuthenticationCleartextPassword
      raw.send(wire.query(`INSERT INTO items VALUES ('intruder')`));
      const [refusal] = await raw.readUntil('E');
      expect(refusal.bytes.toString()).toContain('a message came before the password');
      await raw.closed;
      expect(guarded.stats().groups).toBe(0);

      const client = await pgClient(guarded.port, { user: 'anyone', password: 'per-start secret', database: 'anything' });
      expect((await client.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 0 }]);
      await client.end();
      expect(warnings).toContain('embedded database connection #1 refused: password authentication failed for user "intruder"');
    } finally {
      await guarded.close();
    }
  });

  it('refuses a message PGlite cannot take with a FATAL error, and ignores a CancelRequest, staying up', async () => {
    const raw = await RawClient.connect(server.port);
    raw.send(Buffer.from([0x70, 0, 0, 0, 5, 0x30])); // a PasswordMessage nobody asked for
    const [error] = await raw.readUntil('E');
    expect(error.bytes.toString()).toContain("invalid frontend message type 'p'");
    await raw.closed;

    const cancel = await RawClient.connect(server.port, false);
    cancel.send(requestPacket(CANCEL_REQUEST));
    await cancel.closed;

    const client = await pgClient(server.port);
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    expect(warnings.some((w) => w.includes("invalid frontend message type 'p'"))).toBe(true);
  });

  it('refuses COPY FROM STDIN with an error, keeping the session, in and out of a transaction', async () => {
    const client = await pgClient(server.port);
    await expect(client.query('COPY items FROM STDIN')).rejects.toMatchObject({
      code: '57014',
      message:
        'COPY from stdin failed: COPY FROM STDIN is not supported by the embedded database (use INSERT, or PostgreSQL through DATABASE_URL)',
    });
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);

    // Extended protocol, inside a transaction: the transaction fails, as on PostgreSQL.
    await client.query('BEGIN');
    await client.query(`INSERT INTO items VALUES ('before the copy')`);
    await expect(client.query({ name: 'copy-in', text: 'COPY items FROM STDIN' })).rejects.toMatchObject({ code: '57014' });
    await expect(client.query('SELECT 1')).rejects.toThrow('current transaction is aborted');
    await client.query('ROLLBACK');
    expect((await client.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 0 }]);
    await client.end();

    // A client that streams its data anyway: CopyData and CopyDone are ignored, as PostgreSQL does outside a COPY.
    const raw = await RawClient.connect(server.port);
    raw.send(wire.query('COPY items FROM STDIN'));
    expect((await raw.readUntil('Z')).map((message) => message.type)).toEqual(['E', 'Z']);
    raw.send(wire.copyData(new TextEncoder().encode('a row\n').buffer), wire.copyDone(), wire.query(`SELECT count(*) AS n FROM items`));
    expect((await raw.readUntil('Z')).filter((message) => message.type === 'D').map(rowValues)).toEqual([['0']]);
    raw.socket.destroy();
  });

  it('fails (onFatal) once PGlite ends its session: after SET exit_on_error = on, an error is FATAL', async () => {
    const own = new PGliteClass();
    const failures: Error[] = [];
    const failing = await startEmbeddedSocketServer(own, { port: 0, password: null, logger, onFatal: (error) => failures.push(error) });
    const client = await pgClient(failing.port);
    client.on('error', () => undefined);
    await client.query('SET exit_on_error = on');
    await expect(client.query('SELECT 1 / 0 AS boom')).rejects.toThrow('division by zero');
    expect(failures.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /^embedded database connection #1: PGlite failed on a group starting with Query: SELECT 1 \/ 0 AS boom: PGlite ended its session: FATAL: division by zero$/,
      ),
    ]);
    await expect(pgClient(failing.port)).rejects.toThrow(); // no longer served
    await failing.close();
    await own.close();
  });

  it("runs a client's Parse only with the rest of its group, where pglite-socket lets another client's statement in (pglite #1046)", async () => {
    const interleave = async (port: number, parseAnswered: boolean) => {
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      a.send(wire.parse({ text: "SELECT 'a' AS v" }));
      if (parseAnswered) await a.readUntil('1');
      else await sleep(50); // ours answers nothing before the Sync
      b.send(wire.parse({ text: "SELECT 'b' AS v" }), wire.bind({}), wire.execute({}), wire.sync());
      const bRows = await b.rows();
      a.send(wire.bind({}), wire.execute({}), wire.sync());
      const aRows = await a.rows();
      a.socket.destroy();
      b.socket.destroy();
      return { a: aRows, b: bRows };
    };

    expect(await interleave(server.port, false)).toEqual({ a: [['a']], b: [['b']] });

    const upstream = new PGLiteSocketServer({ db, port: 0, maxConnections: 10 });
    await upstream.start();
    try {
      const port = Number(upstream.getServerConn().split(':').pop());
      // Plain pglite-socket 0.2.17: client a silently gets b's row.
      expect(await interleave(port, true)).toEqual({ a: [['b']], b: [['b']] });
    } finally {
      await upstream.stop();
    }
  });

  it('keeps the session for a client whose portal is open at a Flush, until its Sync', async () => {
    const cursor = await RawClient.connect(server.port);
    cursor.send(wire.parse({ text: 'SELECT g FROM generate_series(1, 3) AS g' }), wire.bind({}), wire.execute({ rows: 1 }), wire.flush());
    expect((await cursor.readUntil('s')).filter((m) => m.type === 'D').map(rowValues)).toEqual([['1']]);

    const other = await pgClient(server.port);
    // The order of events proves the wait, whatever the machine's speed: the other client's answer
    // comes only after the portal's owner has read its next row and let go of the session.
    const events: string[] = [];
    const otherQuery = other.query("SELECT 'other' AS v").then((result) => (events.push('other answered'), result.rows));

    cursor.send(wire.execute({ rows: 1 }), wire.flush());
    expect((await cursor.readUntil('s')).filter((m) => m.type === 'D').map(rowValues)).toEqual([['2']]);
    events.push('portal row 2');
    cursor.send(wire.sync());
    await cursor.readUntil('Z');
    events.push('portal closed');
    expect(await otherQuery).toEqual([{ v: 'other' }]);
    expect(events).toEqual(['portal row 2', 'portal closed', 'other answered']);
    cursor.socket.destroy();
    await other.end();
  });

  it("makes this process's db.query() and db.transaction() take turns with a client's transaction", async () => {
    const client = await pgClient(server.port);
    await client.query('BEGIN');
    await client.query(`INSERT INTO items VALUES ('client')`);
    let counted: number | undefined;
    const count = db.query<{ n: number }>('SELECT count(*)::int AS n FROM items').then((r) => (counted = r.rows[0].n));
    await client.query('ROLLBACK');
    await count;
    // One session: run inside the client's transaction it would have counted the client's row (1).
    expect(counted).toBe(0);

    let clientSaw: number | undefined;
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO items VALUES ('in-process')`);
      void client.query<{ n: number }>('SELECT count(*)::int AS n FROM items').then((r) => (clientSaw = r.rows[0].n));
      await tx.rollback();
    });
    for (let i = 0; i < 500 && clientSaw === undefined; i++) await sleep(10);
    // Run inside the in-process transaction it would have counted that row (1).
    expect(clientSaw).toBe(0);
    await client.end();
  });

  it("keeps each client's session settings its own: another client never runs under them, and they go with their client", async () => {
    const outsider = await pgClient(server.port);
    const app = await pgClient(server.port);
    await outsider.query(`SET search_path = ''`);
    await outsider.query('SET default_transaction_read_only = on');
    await outsider.query(`SELECT pg_catalog.set_config('statement_timeout', '12345', false)`);
    // The other client has the defaults: tables found through the default search_path, writes allowed.
    await app.query(`INSERT INTO items VALUES ('written')`);
    expect((await app.query('SHOW search_path')).rows).toEqual([{ search_path: 'public' }]);
    // The outsider still has its own.
    expect((await outsider.query('SHOW search_path')).rows).toEqual([{ search_path: '""' }]);
    expect((await outsider.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '12345ms' }]);
    await expect(outsider.query(`INSERT INTO public.items VALUES ('refused')`)).rejects.toThrow('read-only transaction');
    await outsider.end();
    // Gone with it, also for this process's own queries once a client has run.
    expect((await app.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 1 }]);
    expect((await db.query('SHOW default_transaction_read_only')).rows).toEqual([{ default_transaction_read_only: 'off' }]);
    await app.end();
  });

  it('closes with a client inside a transaction: rolled back, and PGlite free for the next server', async () => {
    const other = await startEmbeddedSocketServer(db, { port: 0, password: null, logger, onFatal: (error) => fatal.push(error) });
    const client = new Client({ host: '127.0.0.1', port: other.port });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN');
    await client.query(`INSERT INTO items VALUES ('left open')`);
    await other.close();
    expect(other.stats().connections).toBe(0);
    expect(db.isInTransaction()).toBe(false);
    expect((await db.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 0 }]);
  });
});
