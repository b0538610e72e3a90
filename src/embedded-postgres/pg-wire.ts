/**
 * Just enough of the PostgreSQL wire protocol (v3) to cut byte streams into whole messages.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

/** Untyped packets a client may send before its first typed message: `int32 length, int32 code, …`. */
export const PROTOCOL_V3 = 196608;
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
/** PostgreSQL's own limit (MAX_STARTUP_PACKET_LENGTH). */
const MAX_STARTUP_PACKET = 10_000;

export interface WireMessage {
  /** One character for a typed message; '' for a startup-phase packet (see `code`). */
  type: string;
  /** The request code of a startup-phase packet. */
  code?: number;
  /** The whole message, header included. */
  bytes: Buffer;
}

export class ProtocolError extends Error {}

/**
 * Frames one direction of a connection. Chunks are kept by reference (callers pass buffers they
 * will not reuse); a message that arrives whole is a slice, and a large one that arrives in many
 * chunks is joined once, when it is complete.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes needed before parsing can make progress. */
  private needed = 1;
  private startupPhase: boolean;

  /** `startup`: the stream begins with untyped packets (a client's side of a connection). */
  constructor(options: { startup: boolean }) {
    this.startupPhase = options.startup;
  }

  /** Adds a chunk and returns the messages it completed, in order. */
  push(chunk: Buffer): WireMessage[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return [];
    let data = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.buffered);
    const messages: WireMessage[] = [];
    for (;;) {
      const next = this.startupPhase ? this.nextPacket(data) : this.nextTyped(data);
      if (typeof next === 'number') {
        this.needed = next;
        break;
      }
      messages.push(next);
      data = data.subarray(next.bytes.length);
    }
    this.chunks = data.length > 0 ? [data] : [];
    this.buffered = data.length;
    return messages;
  }

  /** A whole packet, or how many bytes it takes. */
  private nextPacket(data: Buffer): WireMessage | number {
    if (data.length < 4) return 4;
    const length = data.readInt32BE(0);
    if (length < 8 || length > MAX_STARTUP_PACKET) throw new ProtocolError(`invalid startup packet length ${length}`);
    if (data.length < length) return length;
    const code = data.readInt32BE(4);
    // SSLRequest / GSSENCRequest are followed by another startup-phase packet; a StartupMessage is not.
    if (code === PROTOCOL_V3) this.startupPhase = false;
    return { type: '', code, bytes: data.subarray(0, length) };
  }

  /** A whole typed message, or how many bytes it takes. */
  private nextTyped(data: Buffer): WireMessage | number {
    if (data.length < 5) return 5;
    const length = data.readInt32BE(1);
    if (length < 4) throw new ProtocolError(`invalid message length ${length}`);
    if (data.length < 1 + length) return 1 + length;
    return { type: String.fromCharCode(data[0]), bytes: data.subarray(0, 1 + length) };
  }
}

/** The transaction status of a ReadyForQuery ('Z') message: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
export function readyForQueryStatus(message: WireMessage): string {
  return String.fromCharCode(message.bytes[5]);
}

/** Channel and payload of a NotificationResponse ('A'): `int32 pid, channel\0, payload\0`. */
export function parseNotification(message: WireMessage): { channel: string; payload: string } {
  const body = message.bytes.subarray(9);
  const channelEnd = body.indexOf(0);
  const payloadEnd = body.indexOf(0, channelEnd + 1);
  return {
    channel: body.toString('utf8', 0, channelEnd),
    payload: body.toString('utf8', channelEnd + 1, payloadEnd),
  };
}

/** The parameters of a StartupMessage (`user`, `database`, …). */
export function startupParameters(message: WireMessage): Record<string, string> {
  const fields = message.bytes.toString('utf8', 8, message.bytes.length - 1).split('\0');
  const parameters: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) parameters[fields[i]] = fields[i + 1];
  return parameters;
}

/** The text of a PasswordMessage ('p'), as bytes. */
export function passwordOf(message: WireMessage): Buffer {
  const body = message.bytes.subarray(5);
  const end = body.indexOf(0);
  return body.subarray(0, end < 0 ? body.length : end);
}

/** AuthenticationCleartextPassword: asks the client for its password. */
export function cleartextPasswordRequest(): Buffer {
  const code = Buffer.alloc(4);
  code.writeInt32BE(3);
  return wireMessage('R', code);
}

/** The fields of an ErrorResponse ('E') or NoticeResponse ('N') by their code: S/V severity, C SQLSTATE, M message, … */
export function errorFields(message: WireMessage): Record<string, string> {
  const fields: Record<string, string> = {};
  const body = message.bytes.subarray(5);
  for (let at = 0; at < body.length && body[at] !== 0;) {
    const end = body.indexOf(0, at + 1);
    if (end < 0) break;
    fields[String.fromCharCode(body[at])] = body.toString('utf8', at + 1, end);
    at = end + 1;
  }
  return fields;
}

/** A typed message from its type and body. */
export function wireMessage(type: string, body: string | Buffer): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const header = Buffer.alloc(5);
  header[0] = type.charCodeAt(0);
  header.writeInt32BE(4 + payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** A FATAL ErrorResponse ('E'), for refusing what we will not pass to PGlite. */
export function fatalError(sqlState: string, text: string): Buffer {
  return wireMessage('E', `SFATAL\0VFATAL\0C${sqlState}\0M${text}\0\0`);
}

/** The values of a DataRow ('D') as text, null for SQL NULL. */
export function dataRowValues(message: WireMessage): Array<string | null> {
  const values: Array<string | null> = [];
  let at = 7;
  for (let count = message.bytes.readInt16BE(5); count > 0; count--) {
    const length = message.bytes.readInt32BE(at);
    values.push(length < 0 ? null : message.bytes.toString('utf8', at + 4, at + 4 + length));
    at += 4 + Math.max(length, 0);
  }
  return values;
}
