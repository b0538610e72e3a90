import type { PGlite } from '@electric-sql/pglite';
import type { ServerLogger } from './socket-server-options';

/**
 * Hands every NOTIFY the session receives to the server's onNotification, once: those in the
 * output of clients' groups (see PgliteSession.execute) and those of db.query()/db.exec() in this
 * process. A handler that throws is logged, never thrown into PGlite or a client's group.
 */
export class NotificationFanOut {
  private stop?: () => void;

  constructor(
    private readonly handler: ((channel: string, payload: string) => void) | undefined,
    private readonly logger: ServerLogger,
  ) {}

  /**
   * Output of db.query()/db.exec() in this process goes through PGlite's own parser, not ours:
   * NOTIFYs sent that way reach us here (and only here, so nothing arrives twice).
   */
  subscribe(db: PGlite): void {
    if (this.handler) this.stop = db.onNotification((channel, payload) => this.deliver(channel, payload));
  }

  unsubscribe(): void {
    this.stop?.();
  }

  deliver(channel: string, payload: string): void {
    try {
      this.handler?.(channel, payload);
    } catch (error) {
      this.logger.error(`embedded database notification handler failed on channel "${channel}": ${String(error)}`);
    }
  }
}
