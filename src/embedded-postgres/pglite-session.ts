import type { PGlite } from '@electric-sql/pglite';
import { MessageFramer, PROTOCOL_V3, errorFields, parseNotification, readyForQueryStatus, type WireMessage } from './pg-wire';
import { readReply } from './session-settings';
import type { ServerLogger } from './socket-server-options';

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

/** Runs protocol bytes on PGlite's single session and reads what comes back. Whose turn it is, is the arbiter's business. */
export class PgliteSession {
  constructor(
    private readonly db: PGlite,
    private readonly notify: (channel: string, payload: string) => void,
    private readonly logger: ServerLogger,
  ) {}

  /** PGlite's answer to a startup packet, for every client's StartupMessage (see STARTUP_PACKET). */
  async startupReply(): Promise<Buffer> {
    await this.db.waitReady;
    const reply: Buffer[] = [];
    await this.db.runExclusive(() => this.execute(STARTUP_PACKET, (output) => reply.push(output)));
    return Buffer.concat(reply);
  }

  /** Runs a query of ours on the session: an error is logged and the session goes on; a FATAL is thrown. */
  async runOwn(bytes: Buffer, what: string): Promise<{ value: string | null; ok: boolean }> {
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
  async execute(bytes: Buffer, forward: (output: Buffer) => void): Promise<{ status?: string; fatal?: string }> {
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
}
