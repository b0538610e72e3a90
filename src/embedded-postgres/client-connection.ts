import type { Socket } from 'node:net';
import { GroupFramer } from './group-framer';
import { MessageFramer } from './pg-wire';

/** One client's connection: its socket, where its handshake stands, and what the session holds of it. */
export class ClientConnection {
  readonly framer = new MessageFramer({ startup: true });
  /** The group being received. */
  readonly groups = new GroupFramer();
  /** The user name of its StartupMessage, printable characters only (it goes into logs). */
  user = '';
  authenticated = false;
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
