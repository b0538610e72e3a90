import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClientConnection } from './client-connection';
import {
  CANCEL_REQUEST,
  GSSENC_REQUEST,
  PROTOCOL_V3,
  SSL_REQUEST,
  cleartextPasswordRequest,
  passwordOf,
  startupParameters,
  type WireMessage,
} from './pg-wire';

/**
 * A client's way in: its startup-phase packets, then its password when the server has one
 * (cleartext: the socket is on loopback, and the password is a random one for this start, not a
 * user's). Each client is answered with PGlite's reply to the server's own startup packet.
 */
export class ClientHandshake {
  private readonly passwordDigest?: Buffer;

  constructor(
    password: string | null,
    /** Ends conn with a FATAL error (and logs why). */
    private readonly refuse: (conn: ClientConnection, sqlState: string, text: string) => void,
    /** PGlite's answer to a startup packet (see PgliteSession.startupReply). */
    public startupReply: Buffer = Buffer.alloc(0),
  ) {
    if (password !== null) this.passwordDigest = digest(Buffer.from(password, 'utf8'));
  }

  /** Takes a startup-phase packet, or a message of a client not yet in. False: the client was refused, read nothing more. */
  take(conn: ClientConnection, message: WireMessage): boolean {
    if (message.type === '') {
      if (message.code === PROTOCOL_V3) this.startup(conn, message);
      // No encryption on a loopback socket: 'N' and the client goes on in plain text.
      else if (message.code === SSL_REQUEST || message.code === GSSENC_REQUEST) conn.send(Buffer.from('N'));
      // A query cannot be interrupted: PGlite runs it synchronously on this thread.
      else if (message.code === CANCEL_REQUEST) conn.socket.destroy();
      else return this.refused(conn, '0A000', `unsupported frontend protocol ${message.code}`);
      return true;
    }
    if (message.type !== 'p')
      return this.refused(conn, '28000', `password authentication failed for user "${conn.user}": a message came before the password`);
    return this.authenticate(conn, message);
  }

  private startup(conn: ClientConnection, message: WireMessage): void {
    conn.user = (startupParameters(message).user ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 63);
    if (this.passwordDigest) return conn.send(cleartextPasswordRequest());
    conn.authenticated = true;
    conn.send(this.startupReply);
  }

  private authenticate(conn: ClientConnection, message: WireMessage): boolean {
    // Compared as digests: equal lengths for timingSafeEqual, and no timing hint about the length.
    if (!timingSafeEqual(digest(passwordOf(message)), this.passwordDigest!)) {
      return this.refused(conn, '28P01', `password authentication failed for user "${conn.user}"`);
    }
    conn.authenticated = true;
    conn.send(this.startupReply);
    return true;
  }

  private refused(conn: ClientConnection, sqlState: string, text: string): false {
    this.refuse(conn, sqlState, text);
    return false;
  }
}

function digest(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}
