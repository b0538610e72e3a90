import type { PGlite } from '@electric-sql/pglite';
import type { ClientConnection } from './client-connection';
import { fatalError } from './pg-wire';
import type { ServerLogger } from './socket-server-options';

interface Waiter {
  conn: ClientConnection;
  since: number;
  resolve(granted: boolean): void;
}

/**
 * Decides which client holds PGlite's single session. A client keeps it while a group of its runs
 * and for as long as the session holds state of its own (a transaction, a portal open at a Flush);
 * the others wait in FIFO order. While a client holds it, PGlite's own locks are held too, so
 * db.query()/db.transaction() in this process wait as well. The idle watchdog disconnects a holder
 * that keeps others waiting in silence (idleInTransactionMs).
 */
export class SessionArbiter {
  /** The connection the session belongs to, while a group runs or its transaction is open. */
  private owner?: ClientConnection;
  private readonly waiters: Waiter[] = [];
  private unlockPglite?: () => void;
  private idleCheck?: NodeJS.Timeout;
  /** True while a group runs on the session (the watchdog leaves a running group alone). */
  running = false;

  constructor(
    private readonly db: PGlite,
    private readonly idleInTransactionMs: number,
    private readonly logger: ServerLogger,
    /** Disconnects a connection the watchdog has ended. */
    private readonly disconnect: (conn: ClientConnection) => void,
  ) {}

  /** True while conn holds the session and PGlite's locks. */
  holdsLocks(conn: ClientConnection): boolean {
    return this.owner === conn && this.unlockPglite !== undefined;
  }

  ownedBy(conn: ClientConnection): boolean {
    return this.owner === conn;
  }

  /** Resolves true once conn owns the session; false if it went away (or the server failed) while waiting. */
  take(conn: ClientConnection): Promise<boolean> | boolean {
    if (this.owner === conn) return true;
    if (!this.owner) {
      this.owner = conn;
      return true;
    }
    return new Promise((resolve) => this.waiters.push({ conn, since: Date.now(), resolve }));
  }

  /** Takes PGlite's locks for the owner, unless it holds them already. */
  async lockPglite(): Promise<void> {
    this.unlockPglite ??= await holdPgliteLocks(this.db);
  }

  /** Hands the session (and PGlite's locks) to the next waiter in line. */
  release(conn: ClientConnection): void {
    if (this.owner !== conn) return;
    this.unlockPglite?.();
    this.unlockPglite = undefined;
    const next = this.waiters.shift();
    this.owner = next?.conn;
    next?.resolve(true);
  }

  /** conn went away: if it was waiting for the session, it no longer is. */
  forget(conn: ClientConnection): void {
    const waiting = this.waiters.findIndex((waiter) => waiter.conn === conn);
    if (waiting >= 0) this.waiters.splice(waiting, 1)[0].resolve(false);
  }

  /** Nobody gets the session any more: every waiter is turned away. */
  turnAwayWaiters(): void {
    for (const waiter of this.waiters.splice(0)) waiter.resolve(false);
  }

  startWatchdog(): void {
    if (this.idleInTransactionMs > 0)
      this.idleCheck = setInterval(() => this.checkIdle(), Math.max(10, this.idleInTransactionMs / 4)).unref();
  }

  stopWatchdog(): void {
    clearInterval(this.idleCheck);
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
