import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { PGlite } from '@electric-sql/pglite';
import {
  CANCEL_REQUEST,
  GSSENC_REQUEST,
  MessageFramer,
  PROTOCOL_V3,
  ProtocolError,
  SSL_REQUEST,
  cleartextPasswordRequest,
  errorFields,
  fatalError,
  parseNotification,
  passwordOf,
  readyForQueryStatus,
  startupParameters,
  wireMessage,
  type WireMessage,
} from './pg-wire';
import { READ_SETTINGS, RESET_SETTINGS, query, readReply } from './session-settings';

/**
 * Serves one PGlite to ordinary `pg` clients over TCP.
 *
 * PGlite is a single backend session. @electric-sql/pglite-socket 0.2.17 queues each protocol
 * message on its own, so one client's Parse/Bind/Execute can land between another's (a Bind meets
 * the other client's unnamed statement: errors or wrong rows; pglite issue #1046), and one failed
 * message leaves its queue stuck. Here the unit is a whole message group:
 *  - a client's messages are collected until one it waits on (Sync, Query, Flush, …) and the group
 *    runs in one execProtocolRawStream call, so nothing of another client lands inside it;
 *  - a client keeps the session for as long as the session holds state of its own (an open or
 *    failed transaction, a portal left open at a Flush): other clients queue in FIFO order;
 *  - while a client has the session we also hold PGlite's own locks, so db.query()/db.transaction()
 *    in this process wait for it too instead of running inside its transaction;
 *  - a client that goes away holding the session is rolled back and the session passed on, and so
 *    is one that keeps others waiting while it holds the session and says nothing (idleInTransactionMs);
 *  - clients' startup packets never reach PGlite (see STARTUP_PACKET), COPY FROM STDIN is refused
 *    (see REFUSE_COPY_IN) and messages PGlite cannot take are refused, since all of them can break
 *    the one session for everybody;
 *  - what is left fatal (onFatal) is a session nothing more can run on: PGlite throwing, or
 *    reporting FATAL (e.g. after a client's SET exit_on_error = on and an error).
 *  - with a password, a client reaches PGlite only after sending it (cleartext: the socket is on
 *    loopback, and the password is a random one for this start, not a user's).
 *
 *  - session settings (SET) are per client: see session-settings.ts.
 *
 * The rest of the session is still shared: temporary tables, named prepared statements, LISTEN and
 * advisory locks are not per connection.
 */

export interface EmbeddedSocketServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** The password every client must send before anything reaches PGlite (any user name); null lets every client in. */
  password: string | null;
  /**
   * Default 5000: a message group that runs longer is logged as slow. It is not stopped: PGlite
   * runs it synchronously on this thread and cannot interrupt it. 0: never.
   */
  slowGroupWarnMs?: number;
  /**
   * Default 30000: a connection that holds the session (open transaction, portal left open at a
   * Flush) and has said nothing for longer, while another connection has waited for longer, is
   * rolled back and disconnected (as PostgreSQL's idle_in_transaction_session_timeout does); the
   * waiting connections go on. 0: never.
   */
  idleInTransactionMs?: number;
  /**
   * Every NOTIFY delivered to the session, whichever client (or this process) sent it. The session
   * must LISTEN on the channel first (once, from any client or db.query): PostgreSQL only reports
   * notifications for channels the session listens on. A client's own LISTEN is no subscription of
   * its own: the NotificationResponse goes out (also) to the client whose group sent the NOTIFY.
   */
  onNotification?: (channel: string, payload: string) => void;
  /** PGlite's session is unusable (see above). Default: process.exit(1) (the error has been logged already). */
  onFatal?: (error: Error) => void;
  logger?: { log(msg: string): void; warn(msg: string): void; error(msg: string): void };
}

export interface EmbeddedSocketServer {
  readonly port: number;
  readonly host: string;
  /** Stops listening, disconnects every client (rolling back an open transaction) and releases the session. PGlite stays open. */
  close(): Promise<void>;
  /** Open client connections, and message groups run since start. */
  stats(): { connections: number; groups: number };
}

export async function startEmbeddedSocketServer(db: PGlite, options: EmbeddedSocketServerOptions): Promise<EmbeddedSocketServer> {
  const server = new SessionServer(db, options);
  await server.listen(options.port);
  return server;
}

/** Messages a client waits on: each ends a group. */
const GROUP_ENDS = new Set(['S', 'Q', 'H', 'F']);
/**
 * The other messages a client may send once started. Anything else is refused here: PGlite 0.5
 * answers e.g. a stray PasswordMessage by looping forever inside a synchronous call.
 */
const GROUP_PARTS = new Set(['P', 'B', 'D', 'E', 'C']);
/** CopyData, CopyDone, CopyFail: ignored, as PostgreSQL does outside a COPY FROM STDIN (none runs here). */
const COPY_FROM_CLIENT = new Set(['d', 'c', 'f']);
const MESSAGE_NAMES: Record<string, string> = {
  S: 'Sync',
  Q: 'Query',
  H: 'Flush',
  F: 'FunctionCall',
  P: 'Parse',
  B: 'Bind',
  D: 'Describe',
  E: 'Execute',
  C: 'Close',
};
/**
 * Sent to PGlite right after every Query and Execute. PGlite 0.5.14 runs a COPY FROM STDIN only
 * if its data arrives in the same call; otherwise it exits its main loop and hangs on the next
 * query. Data never arrives that way here (a Query ends a group), so a CopyFail follows: a COPY
 * FROM STDIN ends with this error (57014) and the session carries on, and after any other
 * statement PostgreSQL ignores it. The CopyInResponse ('G') is not passed on: the client sees a
 * plain error.
 */
const REFUSE_COPY_IN = wireMessage(
  'f',
  'COPY FROM STDIN is not supported by the embedded database (use INSERT, or PostgreSQL through DATABASE_URL)\0',
);
/**
 * Each client's StartupMessage is answered with PGlite's answer to this one (AuthenticationOk,
 * ParameterStatus…, BackendKeyData, ReadyForQuery), taken once at start: PGlite ignores user,
 * database and options, but after a startup packet it rejects (no user, bad layout) it sends no
 * more output at all (PGlite 0.5.14), so no client's packet ever reaches it.
 */
const STARTUP_PACKET = (() => {
  const body = Buffer.from('\0\0\0\0user\0postgres\0database\0postgres\0\0');
  body.writeInt32BE(PROTOCOL_V3, 0);
  const length = Buffer.alloc(4);
  length.writeInt32BE(4 + body.length);
  return Buffer.concat([length, body]);
})();
/** Clears what a departed client left on the session: Sync ends an extended-protocol sequence, ROLLBACK a transaction (outside one it only warns). */
const ROLLBACK = Buffer.concat([wireMessage('S', ''), wireMessage('Q', 'ROLLBACK\0')]);

class Connection {
  readonly framer = new MessageFramer({ startup: true });
  /** The user name of its StartupMessage, printable characters only (it goes into logs). */
  user = '';
  authenticated = false;
  /** Messages of the group being received. */
  parts: Buffer[] = [];
  /** This connection's groups, run one after another. */
  tail: Promise<void> = Promise.resolve();
  /** False while the session holds state of this connection (a transaction, a portal open at a Flush). */
  idle = true;
  /** SQL that makes its session settings again, kept while other clients have the session (see session-settings.ts). */
  settings: string | null = null;
  lastHeard = Date.now();
  closed = false;
  /** Settles once the connection is closed and cleaned up after. */
  readonly done: Promise<void>;
  markDone!: () => void;

  constructor(
    readonly id: number,
    readonly socket: Socket,
  ) {
    this.done = new Promise((resolve) => (this.markDone = resolve));
  }

  send(bytes: Buffer): void {
    if (this.socket.writable) this.socket.write(bytes);
  }
}

interface Waiter {
  conn: Connection;
  since: number;
  resolve(granted: boolean): void;
}

class SessionServer implements EmbeddedSocketServer {
  readonly host: string;
  port = 0;
  private readonly server: Server;
  private readonly logger: NonNullable<EmbeddedSocketServerOptions['logger']>;
  private readonly slowGroupWarnMs: number;
  private readonly idleInTransactionMs: number;
  private readonly connections = new Set<Connection>();
  private nextId = 1;
  private groups = 0;
  /** The connection the session belongs to, while a group runs or its transaction is open. */
  private owner?: Connection;
  /** The connection whose session settings are in place; none: the session's start-up settings. */
  private settingsOf?: Connection;
  private readonly waiters: Waiter[] = [];
  private unlockPglite?: () => void;
  private running?: { conn: Connection; bytes: Buffer; since: number };
  private idleCheck?: NodeJS.Timeout;
  private startupReply = Buffer.alloc(0);
  private readonly passwordDigest?: Buffer;
  private stopNotifications?: () => void;
  private failed = false;

  constructor(
    private readonly db: PGlite,
    private readonly options: EmbeddedSocketServerOptions,
  ) {
    this.host = options.host ?? '127.0.0.1';
    this.slowGroupWarnMs = options.slowGroupWarnMs ?? 5_000;
    this.idleInTransactionMs = options.idleInTransactionMs ?? 30_000;
    this.logger = options.logger ?? new Logger('EmbeddedSocketServer');
    if (options.password !== null) this.passwordDigest = digest(Buffer.from(options.password, 'utf8'));
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(port: number): Promise<void> {
    await this.db.waitReady;
    const reply: Buffer[] = [];
    await this.db.runExclusive(() => this.execute(STARTUP_PACKET, (output) => reply.push(output)));
    this.startupReply = Buffer.concat(reply);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (error) => this.logger.error(`embedded database server: ${error.message}`));
    this.port = (this.server.address() as AddressInfo).port;
    if (this.idleInTransactionMs > 0)
      this.idleCheck = setInterval(() => this.checkIdle(), Math.max(10, this.idleInTransactionMs / 4)).unref();
    // Output of db.query()/db.exec() in this process goes through PGlite's own parser, not ours:
    // NOTIFYs sent that way reach us here (and only here, so nothing arrives twice).
    const { onNotification } = this.options;
    if (onNotification) this.stopNotifications = this.db.onNotification((channel, payload) => this.notify(channel, payload));
  }

  stats(): { connections: number; groups: number } {
    return { connections: this.connections.size, groups: this.groups };
  }

  async close(): Promise<void> {
    clearInterval(this.idleCheck);
    this.stopNotifications?.();
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const connections = [...this.connections];
    for (const conn of connections) conn.socket.destroy();
    // After a failure PGlite may never finish the group it failed on: do not wait for it.
    await Promise.all([stopped, ...(this.failed ? [] : connections.map((conn) => conn.done))]);
  }

  private accept(socket: Socket): void {
    const conn = new Connection(this.nextId++, socket);
    this.connections.add(conn);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(conn, chunk));
    // 'close' follows every 'error'; a client resetting its connection is no news.
    socket.on('error', () => undefined);
    socket.on('close', () => this.disconnect(conn));
    if (this.failed) socket.destroy();
  }

  private receive(conn: Connection, chunk: Buffer): void {
    if (!conn.socket.writable) return; // refused or terminating: ignore the rest
    conn.lastHeard = Date.now();
    let messages;
    try {
      messages = conn.framer.push(chunk);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return this.refuse(conn, '08P01', error.message);
    }
    for (const message of messages) {
      if (message.type === '') {
        if (message.code === PROTOCOL_V3) this.startup(conn, message);
        // No encryption on a loopback socket: 'N' and the client goes on in plain text.
        else if (message.code === SSL_REQUEST || message.code === GSSENC_REQUEST) conn.send(Buffer.from('N'));
        // A query cannot be interrupted: PGlite runs it synchronously on this thread.
        else if (message.code === CANCEL_REQUEST) conn.socket.destroy();
        else return this.refuse(conn, '0A000', `unsupported frontend protocol ${message.code}`);
      } else if (!conn.authenticated) {
        if (message.type !== 'p')
          return this.refuse(conn, '28000', `password authentication failed for user "${conn.user}": a message came before the password`);
        if (!this.authenticate(conn, message)) return;
      } else if (message.type === 'X') {
        conn.tail = conn.tail.then(() => void conn.socket.end());
      } else if (COPY_FROM_CLIENT.has(message.type)) {
        continue;
      } else if (GROUP_PARTS.has(message.type) || GROUP_ENDS.has(message.type)) {
        conn.parts.push(message.bytes);
        if (message.type === 'Q' || message.type === 'E') conn.parts.push(REFUSE_COPY_IN);
        if (GROUP_ENDS.has(message.type)) {
          this.submit(conn, conn.parts.length === 1 ? conn.parts[0] : Buffer.concat(conn.parts));
          conn.parts = [];
        }
      } else {
        return this.refuse(conn, '08P01', `invalid frontend message type '${message.type}'`);
      }
    }
  }

  private startup(conn: Connection, message: WireMessage): void {
    conn.user = (startupParameters(message).user ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 63);
    if (this.passwordDigest) return conn.send(cleartextPasswordRequest());
    conn.authenticated = true;
    conn.send(this.startupReply);
  }

  private authenticate(conn: Connection, message: WireMessage): boolean {
    // Compared as digests: equal lengths for timingSafeEqual, and no timing hint about the length.
    if (!timingSafeEqual(digest(passwordOf(message)), this.passwordDigest!)) {
      this.refuse(conn, '28P01', `password authentication failed for user "${conn.user}"`);
      return false;
    }
    conn.authenticated = true;
    conn.send(this.startupReply);
    return true;
  }

  private refuse(conn: Connection, sqlState: string, text: string): void {
    this.logger.warn(`embedded database connection #${conn.id} refused: ${text}`);
    conn.socket.end(fatalError(sqlState, text));
  }

  private submit(conn: Connection, bytes: Buffer): void {
    conn.tail = conn.tail.then(() => this.runGroup(conn, bytes));
  }

  /** Never rejects: a PGlite error fails the server instead. */
  private async runGroup(conn: Connection, bytes: Buffer): Promise<void> {
    if (conn.closed || this.failed || !(await this.takeSession(conn))) return;
    const since = Date.now();
    this.running = { conn, bytes, since };
    try {
      this.unlockPglite ??= await holdPgliteLocks(this.db);
      if (this.settingsOf !== conn) await this.switchSettings(conn);
      const { status, fatal } = await this.execute(bytes, (output) => conn.send(output));
      if (fatal !== undefined) throw new Error(`PGlite ended its session: FATAL: ${fatal}`);
      this.groups += 1;
      conn.idle = status === 'I';
      conn.lastHeard = Date.now();
      const elapsed = Date.now() - since;
      if (this.slowGroupWarnMs > 0 && elapsed > this.slowGroupWarnMs) {
        this.logger.warn(
          `embedded database connection #${conn.id}: ${describeGroup(bytes)} took ${elapsed} ms, ` +
            `and every other connection waited for it (warning above EMBEDDED_DB_SLOW_WARN_MS=${this.slowGroupWarnMs})`,
        );
      }
    } catch (error) {
      // The session is in an unknown state (PGlite 0.5.14 may hang on the next query): nothing more may run on it.
      const message = error instanceof Error ? error.message : String(error);
      this.fail(new Error(`embedded database connection #${conn.id}: PGlite failed on ${describeGroup(bytes)}: ${message}`));
    } finally {
      this.running = undefined;
      if (conn.idle) this.releaseSession(conn);
    }
  }

  /** Puts conn's session settings in place of those of the client that ran before it (see session-settings.ts). */
  private async switchSettings(conn: Connection): Promise<void> {
    const previous = this.settingsOf;
    this.settingsOf = conn;
    if (previous) {
      const read = await this.runOwn(READ_SETTINGS, `reading the settings of connection #${previous.id}`);
      if (!previous.closed) previous.settings = read.value;
      if (read.value !== null || !read.ok) await this.runOwn(RESET_SETTINGS, `resetting the settings of connection #${previous.id}`);
    }
    if (conn.settings !== null) {
      const restore = query(conn.settings);
      conn.settings = null;
      await this.runOwn(restore, `restoring the settings of connection #${conn.id}`);
    }
  }

  /** Runs a query of ours on the session: an error is logged and the session goes on; a FATAL is thrown. */
  private async runOwn(bytes: Buffer, what: string): Promise<{ value: string | null; ok: boolean }> {
    const output: Buffer[] = [];
    const { fatal } = await this.execute(bytes, (chunk) => output.push(chunk));
    if (fatal !== undefined) throw new Error(`FATAL while ${what}: ${fatal}`);
    const { value, error } = readReply(output);
    if (error !== undefined) this.logger.warn(`embedded database: ${what} failed: ${error}`);
    return { value, ok: error === undefined };
  }

  /**
   * Runs bytes on the session and forwards its output, whole messages at a time. `status` is that
   * of the closing ReadyForQuery, undefined when the output does not end with one (a Flush);
   * `fatal` the text of a FATAL or PANIC error, after which the session is unusable.
   */
  private async execute(bytes: Buffer, forward: (output: Buffer) => void): Promise<{ status?: string; fatal?: string }> {
    const framer = new MessageFramer({ startup: false });
    const notifications: Array<{ channel: string; payload: string }> = [];
    let status: string | undefined;
    let fatal: string | undefined;
    let unreadable: unknown;
    let open = true;
    await this.db.execProtocolRawStream(bytes, {
      // PGlite keeps this callback installed until another call replaces it: after this group it
      // must not take output that belongs to someone else. The data is a view of WASM memory that
      // the next call overwrites, hence the copy. Nothing here may throw into PGlite.
      onRawData: (data) => {
        if (!open || unreadable !== undefined) return;
        let messages: WireMessage[];
        try {
          messages = framer.push(Buffer.from(data)).filter((message) => message.type !== 'G');
        } catch (error) {
          unreadable = error;
          return;
        }
        for (const message of messages) {
          status = message.type === 'Z' ? readyForQueryStatus(message) : undefined;
          // NOTIFY on the single session: PostgreSQL delivers a NotificationResponse to its own
          // session when the notifying transaction commits, so it arrives in the output of the group
          // that ran the NOTIFY / pg_notify() (or the COMMIT), just before its ReadyForQuery, when
          // the session LISTENs on the channel. execProtocolRawStream bypasses PGlite's parser, so
          // db.listen()/onNotification callbacks never see these (checked on PGlite 0.5.14).
          if (message.type === 'A') notifications.push(parseNotification(message));
          if (message.type === 'E') {
            const fields = errorFields(message);
            if (['FATAL', 'PANIC'].includes(fields.V ?? fields.S)) fatal ??= fields.M ?? '';
          }
        }
        if (messages.length > 0)
          forward(messages.length === 1 ? messages[0].bytes : Buffer.concat(messages.map((message) => message.bytes)));
      },
    });
    open = false;
    if (unreadable !== undefined) throw unreadable;
    // Delivered after the call, so a notification callback runs outside PGlite.
    for (const { channel, payload } of notifications) this.notify(channel, payload);
    return { status, fatal };
  }

  private notify(channel: string, payload: string): void {
    try {
      this.options.onNotification?.(channel, payload);
    } catch (error) {
      this.logger.error(`embedded database notification handler failed on channel "${channel}": ${String(error)}`);
    }
  }

  /** Resolves true once conn owns the session; false if it went away (or the server failed) while waiting. */
  private takeSession(conn: Connection): Promise<boolean> | boolean {
    if (this.owner === conn) return true;
    if (!this.owner) {
      this.owner = conn;
      return true;
    }
    return new Promise((resolve) => this.waiters.push({ conn, since: Date.now(), resolve }));
  }

  /** Hands the session (and PGlite's locks) to the next waiter in line. */
  private releaseSession(conn: Connection): void {
    if (this.owner !== conn) return;
    this.unlockPglite?.();
    this.unlockPglite = undefined;
    const next = this.waiters.shift();
    this.owner = next?.conn;
    next?.resolve(true);
  }

  private disconnect(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    const waiting = this.waiters.findIndex((waiter) => waiter.conn === conn);
    if (waiting >= 0) this.waiters.splice(waiting, 1)[0].resolve(false);
    conn.tail = conn.tail.then(() => this.abandon(conn)).then(conn.markDone);
  }

  /** After conn's last group: roll back what it left open on the session and pass the session on. */
  private async abandon(conn: Connection): Promise<void> {
    if (this.owner !== conn) return;
    if (!conn.idle && !this.failed && this.unlockPglite) {
      try {
        const { fatal } = await this.execute(ROLLBACK, () => undefined);
        if (fatal !== undefined) throw new Error(`FATAL: ${fatal}`);
        this.logger.warn(`embedded database connection #${conn.id} closed inside a transaction: rolled back`);
      } catch (error) {
        this.fail(new Error(`embedded database: rollback after connection #${conn.id} closed failed: ${String(error)}`));
      }
    }
    this.releaseSession(conn);
  }

  /** Disconnects a session owner that keeps others waiting in silence; its transaction is rolled back as it goes. */
  private checkIdle(): void {
    const owner = this.owner;
    const [waiter] = this.waiters;
    if (!owner || !waiter || this.running || owner.closed) return;
    const now = Date.now();
    const silent = now - owner.lastHeard;
    if (silent <= this.idleInTransactionMs || now - waiter.since <= this.idleInTransactionMs) return;
    this.logger.warn(
      `embedded database connection #${owner.id} held the session (open transaction or portal) in silence for ${silent} ms ` +
        `while connection #${waiter.conn.id} waited: disconnecting it (EMBEDDED_DB_IDLE_IN_TRANSACTION_MS=${this.idleInTransactionMs})`,
    );
    owner.socket.end(
      fatalError(
        '25P03',
        `terminating connection due to idle-in-transaction timeout (${this.idleInTransactionMs} ms): ` +
          `another connection was waiting for the embedded database's single session`,
      ),
    );
    this.disconnect(owner);
  }

  /** Stops serving (clients are disconnected rather than left hanging) and reports once. */
  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.logger.error(error.message);
    clearInterval(this.idleCheck);
    for (const waiter of this.waiters.splice(0)) waiter.resolve(false);
    for (const conn of this.connections) conn.socket.destroy();
    (this.options.onFatal ?? (() => process.exit(1)))(error);
  }
}

function digest(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/**
 * Holds PGlite's transaction and query locks until the returned function is called (the order
 * db.transaction() takes them in, so the two cannot deadlock each other).
 */
function holdPgliteLocks(db: PGlite): Promise<() => void> {
  return new Promise((held) => {
    void db._runExclusiveTransaction(() => db.runExclusive(() => new Promise<void>((release) => held(release))));
  });
}

/** "a group starting with Parse: SELECT …", for logs. */
function describeGroup(bytes: Buffer): string {
  const type = String.fromCharCode(bytes[0]);
  // The SQL text: a Query's body, or a Parse's after the statement name.
  const body = bytes.subarray(5, 5 + 1000);
  const sql = type === 'Q' ? body : type === 'P' ? body.subarray(body.indexOf(0) + 1) : undefined;
  const end = sql?.indexOf(0) ?? -1;
  const text = sql ? `: ${sql.toString('utf8', 0, end < 0 ? sql.length : end).slice(0, 200)}` : '';
  return `a group starting with ${MESSAGE_NAMES[type] ?? type}${text}`;
}
