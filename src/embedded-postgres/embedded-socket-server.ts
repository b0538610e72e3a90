import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { PGlite } from '@electric-sql/pglite';
import { ClientConnection } from './client-connection';
import { ClientHandshake } from './client-handshake';
import { GroupRunner } from './group-runner';
import { NotificationFanOut } from './notification-fan-out';
import { ProtocolError, fatalError } from './pg-wire';
import { PgliteSession } from './pglite-session';
import { SessionArbiter } from './session-arbiter';
import { SettingsSwitcher } from './settings-switcher';
import type { EmbeddedSocketServer, EmbeddedSocketServerOptions, ServerLogger } from './socket-server-options';

export type { EmbeddedSocketServer, EmbeddedSocketServerOptions } from './socket-server-options';

/**
 * Serves one PGlite to ordinary `pg` clients over TCP.
 *
 * PGlite is a single backend session. @electric-sql/pglite-socket 0.2.17 queues each protocol
 * message on its own, so one client's Parse/Bind/Execute can land between another's (a Bind meets
 * the other client's unnamed statement: errors or wrong rows; pglite issue #1046), and one failed
 * message leaves its queue stuck. Here the unit is a whole message group:
 *  - a client's messages are collected until one it waits on (Sync, Query, Flush, …) and the group
 *    runs in one execProtocolRawStream call, so nothing of another client lands inside it
 *    (group-framer.ts, group-runner.ts, pglite-session.ts);
 *  - a client keeps the session for as long as the session holds state of its own (an open or
 *    failed transaction, a portal left open at a Flush): other clients queue in FIFO order;
 *  - while a client has the session we also hold PGlite's own locks, so db.query()/db.transaction()
 *    in this process wait for it too instead of running inside its transaction;
 *  - a client that goes away holding the session is rolled back and the session passed on, and so
 *    is one that keeps others waiting while it holds the session and says nothing (idleInTransactionMs;
 *    session-arbiter.ts);
 *  - clients' startup packets never reach PGlite (see STARTUP_PACKET in pglite-session.ts), COPY FROM
 *    STDIN is refused (see REFUSE_COPY_IN in group-framer.ts) and messages PGlite cannot take are refused, since all of them can break
 *    the one session for everybody;
 *  - what is left fatal (onFatal) is a session nothing more can run on: PGlite throwing, or
 *    reporting FATAL (e.g. after a client's SET exit_on_error = on and an error).
 *  - with a password, a client reaches PGlite only after sending it (cleartext: the socket is on
 *    loopback, and the password is a random one for this start, not a user's;
 *    client-handshake.ts).
 *
 *  - session settings (SET) are per client: see session-settings.ts and settings-switcher.ts.
 *
 * The rest of the session is still shared: temporary tables, named prepared statements, LISTEN and
 * advisory locks are not per connection.
 *
 * This file is the socket glue that composes them: the TCP server, each client's way from its
 * handshake to its groups, and shutdown; notification-fan-out.ts delivers NOTIFYs to onNotification.
 */
export async function startEmbeddedSocketServer(db: PGlite, options: EmbeddedSocketServerOptions): Promise<EmbeddedSocketServer> {
  const server = new SessionServer(db, options);
  await server.listen(options.port);
  return server;
}

class SessionServer implements EmbeddedSocketServer {
  readonly host: string;
  port = 0;
  failed = false;
  private readonly server: Server;
  private readonly logger: ServerLogger;
  private readonly connections = new Set<ClientConnection>();
  private nextId = 1;
  private readonly handshake: ClientHandshake;
  private readonly notifications: NotificationFanOut;
  private readonly session: PgliteSession;
  private readonly arbiter: SessionArbiter;
  private readonly runner: GroupRunner;

  constructor(
    private readonly db: PGlite,
    private readonly options: EmbeddedSocketServerOptions,
  ) {
    this.host = options.host ?? '127.0.0.1';
    this.logger = options.logger ?? new Logger('EmbeddedSocketServer');
    this.handshake = new ClientHandshake(options.password, (conn, sqlState, text) => this.refuse(conn, sqlState, text));
    this.notifications = new NotificationFanOut(options.onNotification, this.logger);
    this.session = new PgliteSession(db, (channel, payload) => this.notifications.deliver(channel, payload), this.logger);
    this.arbiter = new SessionArbiter(db, options.idleInTransactionMs ?? 30_000, this.logger, (conn) => this.disconnect(conn));
    const settings = new SettingsSwitcher(this.session);
    this.runner = new GroupRunner(this.session, this.arbiter, settings, this, options.slowGroupWarnMs ?? 5_000, this.logger);
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(port: number): Promise<void> {
    this.handshake.startupReply = await this.session.startupReply();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (error) => this.logger.error(`embedded database server: ${error.message}`));
    this.port = (this.server.address() as AddressInfo).port;
    this.arbiter.startWatchdog();
    this.notifications.subscribe(this.db);
  }

  stats(): { connections: number; groups: number } {
    return { connections: this.connections.size, groups: this.runner.groups };
  }

  async close(): Promise<void> {
    this.arbiter.stopWatchdog();
    this.notifications.unsubscribe();
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const connections = [...this.connections];
    for (const conn of connections) conn.socket.destroy();
    // After a failure PGlite may never finish the group it failed on: do not wait for it.
    await Promise.all([stopped, ...(this.failed ? [] : connections.map((conn) => conn.done))]);
  }

  private accept(socket: Socket): void {
    const conn = new ClientConnection(this.nextId++, socket);
    this.connections.add(conn);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(conn, chunk));
    // 'close' follows every 'error'; a client resetting its connection is no news.
    socket.on('error', () => undefined);
    socket.on('close', () => this.disconnect(conn));
    if (this.failed) socket.destroy();
  }

  private receive(conn: ClientConnection, chunk: Buffer): void {
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
      if (message.type === '' || !conn.authenticated) {
        if (!this.handshake.take(conn, message)) return;
      } else if (message.type === 'X') {
        conn.tail = conn.tail.then(() => void conn.socket.end());
      } else {
        const collected = conn.groups.add(message);
        if (collected === 'invalid') return this.refuse(conn, '08P01', `invalid frontend message type '${message.type}'`);
        if (collected !== 'more') this.submit(conn, collected.group);
      }
    }
  }

  private refuse(conn: ClientConnection, sqlState: string, text: string): void {
    this.logger.warn(`embedded database connection #${conn.id} refused: ${text}`);
    conn.socket.end(fatalError(sqlState, text));
  }

  private submit(conn: ClientConnection, bytes: Buffer): void {
    conn.tail = conn.tail.then(() => this.runner.run(conn, bytes));
  }

  private disconnect(conn: ClientConnection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    this.arbiter.forget(conn);
    conn.tail = conn.tail.then(() => this.runner.abandon(conn)).then(conn.markDone);
  }

  /** Stops serving (clients are disconnected rather than left hanging) and reports once. */
  fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.logger.error(error.message);
    this.arbiter.stopWatchdog();
    this.arbiter.turnAwayWaiters();
    for (const conn of this.connections) conn.socket.destroy();
    (this.options.onFatal ?? (() => process.exit(1)))(error);
  }
}
