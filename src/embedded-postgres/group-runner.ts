import type { ClientConnection } from './client-connection';
import { describeGroup } from './group-framer';
import { wireMessage } from './pg-wire';
import type { PgliteSession } from './pglite-session';
import type { SessionArbiter } from './session-arbiter';
import type { SettingsSwitcher } from './settings-switcher';
import type { ServerLogger } from './socket-server-options';

/** Clears what a departed client left on the session: Sync ends an extended-protocol sequence, ROLLBACK a transaction (outside one it only warns). */
const ROLLBACK = Buffer.concat([wireMessage('S', ''), wireMessage('Q', 'ROLLBACK\0')]);

/** How the runner reports that the session is unusable, and learns that it is. */
export interface SessionFailure {
  readonly failed: boolean;
  fail(error: Error): void;
}

/**
 * Runs a client's message groups on the session in turn: waits for the session, brings in the
 * client's settings, runs the group as one unit, warns about a slow one and passes the session on
 * once the client holds nothing on it; after the client's last group, rolls back what it left.
 */
export class GroupRunner {
  /** Message groups run since start. */
  groups = 0;

  constructor(
    private readonly session: PgliteSession,
    private readonly arbiter: SessionArbiter,
    private readonly settings: SettingsSwitcher,
    private readonly failure: SessionFailure,
    private readonly slowGroupWarnMs: number,
    private readonly logger: ServerLogger,
  ) {}

  /** Never rejects: a PGlite error fails the server instead. */
  async run(conn: ClientConnection, bytes: Buffer): Promise<void> {
    if (conn.closed || this.failure.failed || !(await this.arbiter.take(conn))) return;
    const since = Date.now();
    this.arbiter.running = true;
    try {
      await this.arbiter.lockPglite();
      await this.settings.bringIn(conn);
      const { status, fatal } = await this.session.execute(bytes, (output) => conn.send(output));
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
      this.failure.fail(new Error(`embedded database connection #${conn.id}: PGlite failed on ${describeGroup(bytes)}: ${message}`));
    } finally {
      this.arbiter.running = false;
      if (conn.idle) this.arbiter.release(conn);
    }
  }

  /** After conn's last group: roll back what it left open on the session and pass the session on. */
  async abandon(conn: ClientConnection): Promise<void> {
    if (!this.arbiter.ownedBy(conn)) return;
    if (!conn.idle && !this.failure.failed && this.arbiter.holdsLocks(conn)) {
      try {
        const { fatal } = await this.session.execute(ROLLBACK, () => undefined);
        if (fatal !== undefined) throw new Error(`FATAL: ${fatal}`);
        this.logger.warn(`embedded database connection #${conn.id} closed inside a transaction: rolled back`);
      } catch (error) {
        this.failure.fail(new Error(`embedded database: rollback after connection #${conn.id} closed failed: ${String(error)}`));
      }
    }
    this.arbiter.release(conn);
  }
}
