export type ServerLogger = { log(msg: string): void; warn(msg: string): void; error(msg: string): void };

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
  /** PGlite's session is unusable (see embedded-socket-server.ts). Default: process.exit(1) (the error has been logged already). */
  onFatal?: (error: Error) => void;
  logger?: ServerLogger;
}

export interface EmbeddedSocketServer {
  readonly port: number;
  readonly host: string;
  /** Stops listening, disconnects every client (rolling back an open transaction) and releases the session. PGlite stays open. */
  close(): Promise<void>;
  /** Open client connections, and message groups run since start. */
  stats(): { connections: number; groups: number };
}
