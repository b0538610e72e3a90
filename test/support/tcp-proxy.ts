import * as net from 'node:net';
import { performance } from 'node:perf_hooks';

/** A message the proxy held back: the client's side is already cut; `deliver()` sends it on and resolves once PostgreSQL answered. */
export interface HeldMessage {
  sql: string;
  deliver(): Promise<void>;
}

type TrapAction = 'lose-reply' | 'lose-request' | 'hold';

interface Trap {
  match: RegExp;
  action: TrapAction;
  caught(sql: string, deliver?: () => Promise<void>): void;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/** The SQL text of a client message, for Query ('Q') and Parse ('P') messages. */
function sqlOf(type: number, payload: Buffer): string | undefined {
  if (type === 0x51) return payload.toString('utf8', 0, payload.indexOf(0));
  if (type === 0x50) {
    const nameEnd = payload.indexOf(0);
    return payload.toString('utf8', nameEnd + 1, payload.indexOf(0, nameEnd + 1));
  }
  return undefined;
}

/**
 * A TCP proxy in front of PostgreSQL that reads the client's side of the wire protocol, so a test
 * can break a connection at an exact point: after the server answered a statement (e.g. COMMIT) but
 * before that answer reaches the client, before a statement reaches the server, or hold a statement
 * back while the client already saw its connection die. It can also refuse every connection.
 */
export class TcpProxy {
  /** When each connection was accepted (performance.now()), refused ones included. */
  readonly acceptedAt: number[] = [];
  private readonly server = net.createServer((client) => this.onConnection(client));
  private readonly open = new Set<net.Socket>();
  private traps: Trap[] = [];
  private refusing = false;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetUrl: string): Promise<TcpProxy> {
    const target = new URL(targetUrl);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** The next statement matching `match` reaches the server and runs; its connection is cut before the answer gets back. */
  loseReplyTo(match: RegExp): Promise<string> {
    return new Promise((resolve) => this.traps.push({ match, action: 'lose-reply', caught: (sql) => resolve(sql) }));
  }

  /** The next statement matching `match` never reaches the server; its connection is cut. */
  loseRequest(match: RegExp): Promise<string> {
    return new Promise((resolve) => this.traps.push({ match, action: 'lose-request', caught: (sql) => resolve(sql) }));
  }

  /** The next statement matching `match` is held: its client sees the connection die, the server still waits for it. */
  hold(match: RegExp): Promise<HeldMessage> {
    return new Promise((resolve) =>
      this.traps.push({ match, action: 'hold', caught: (sql, deliver) => resolve({ sql, deliver: deliver! }) }),
    );
  }

  /** While on, every open connection is cut and every new one is closed at once. */
  refuse(on: boolean): void {
    this.refusing = on;
    if (on) for (const socket of this.open) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private onConnection(client: net.Socket): void {
    this.acceptedAt.push(performance.now());
    this.track(client);
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.track(upstream);
    let held = false;
    let swallowReply = false;
    client.once('close', () => {
      if (!held) upstream.destroy();
    });
    upstream.once('close', () => client.destroy());
    upstream.on('data', (chunk) => {
      if (!swallowReply) {
        client.write(chunk);
        return;
      }
      // The server has answered: the statement ran (for a COMMIT: it is durable). The client never learns.
      client.destroy();
      upstream.destroy();
    });

    let buffered = Buffer.alloc(0);
    let startup = true;
    client.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (held || swallowReply || client.destroyed) return;
        const headerLength = startup ? 0 : 1;
        if (buffered.length < headerLength + 4) return;
        const length = buffered.readInt32BE(headerLength);
        if (buffered.length < headerLength + length) return;
        const message = buffered.subarray(0, headerLength + length);
        buffered = buffered.subarray(headerLength + length);
        if (startup) {
          const code = message.readInt32BE(4);
          // An SSL/GSS request is answered with one byte and followed by the real startup message.
          if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false;
          upstream.write(message);
          continue;
        }
        const sql = sqlOf(message[0], message.subarray(5));
        const trap = sql === undefined ? undefined : this.traps.find((t) => t.match.test(sql));
        if (!trap || sql === undefined) {
          upstream.write(message);
          continue;
        }
        this.traps.splice(this.traps.indexOf(trap), 1);
        if (trap.action === 'lose-reply') {
          swallowReply = true;
          upstream.write(message);
          trap.caught(sql);
        } else if (trap.action === 'lose-request') {
          client.destroy();
          upstream.destroy();
          trap.caught(sql);
        } else {
          held = true;
          client.destroy();
          trap.caught(sql, () => {
            swallowReply = true;
            const answered = new Promise<void>((resolve) => upstream.once('close', () => resolve()));
            upstream.write(message);
            return answered;
          });
        }
      }
    });
  }
}
