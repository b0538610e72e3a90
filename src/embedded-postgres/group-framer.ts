import { wireMessage, type WireMessage } from './pg-wire';

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

/** What a message did to the group being collected: completed it, joined (or was ignored), or has no place in one. */
export type Collected = { group: Buffer } | 'more' | 'invalid';

/**
 * Collects a started client's typed messages (Terminate aside) into message groups: everything up
 * to a message the client waits on, run on the session as one unit.
 */
export class GroupFramer {
  /** Messages of the group being received. */
  private parts: Buffer[] = [];

  add(message: WireMessage): Collected {
    if (COPY_FROM_CLIENT.has(message.type)) return 'more';
    if (!GROUP_PARTS.has(message.type) && !GROUP_ENDS.has(message.type)) return 'invalid';
    this.parts.push(message.bytes);
    if (message.type === 'Q' || message.type === 'E') this.parts.push(REFUSE_COPY_IN);
    if (!GROUP_ENDS.has(message.type)) return 'more';
    const group = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    return { group };
  }
}

/** "a group starting with Parse: SELECT …", for logs. */
export function describeGroup(bytes: Buffer): string {
  const type = String.fromCharCode(bytes[0]);
  // The SQL text: a Query's body, or a Parse's after the statement name.
  const body = bytes.subarray(5, 5 + 1000);
  const sql = type === 'Q' ? body : type === 'P' ? body.subarray(body.indexOf(0) + 1) : undefined;
  const end = sql?.indexOf(0) ?? -1;
  const text = sql ? `: ${sql.toString('utf8', 0, end < 0 ? sql.length : end).slice(0, 200)}` : '';
  return `a group starting with ${MESSAGE_NAMES[type] ?? type}${text}`;
}
