import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long, after close(), a connection with no request being answered may still bring one: a
 * client whose request set off just before (its bytes not read yet) gets its answer, not a reset.
 */
const UNANSWERED_GRACE_MS = 1_000;

/**
 * Closes an HTTP server under keep-alive load. server.close() stops accepting and closes the idle
 * connections, but a client that sends its next request as soon as the last is answered keeps its
 * connection busy, so close() alone would never call back. From close() on, every answer not yet
 * sent says `Connection: close` (Node ends the socket after it), and whenever an answer goes out,
 * the connections left idle by it are closed.
 *
 * Answers still going when close()'s time for them is up have their connections closed.
 *
 * A connection with no request being answered (none sent yet, or its headers still trickling in)
 * is closed after UNANSWERED_GRACE_MS: Node counts it as busy, not idle, so close() would wait for
 * its headers timeout, and a client that opened one and went quiet would hold the shutdown up to
 * SHUTDOWN_TIMEOUT_MS. A request that arrives within the grace is answered, saying Connection: close.
 */
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private readonly connections = new Set<Socket>();
  private closing = false;

  /** Install before the server listens, so no connection or request goes untracked. */
  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
    // Prepended: it must run before the app's handler, which may answer at once.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => this.track(res));
  }

  /**
   * Resolves once every connection is closed, with how many answers were cut: those still going
   * `answerWithinMs` after the call (a stream an upstream holds open, a client that stopped reading)
   * have their connections closed then, so a shutdown's remaining steps (the final flushes, which
   * record such a call as cancelled) still run within its deadline.
   */
  async close(answerWithinMs: number): Promise<{ cut: number }> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const res of this.inFlight) this.answerLast(res);
    let cut = 0;
    const grace = setTimeout(() => this.closeUnanswered(), UNANSWERED_GRACE_MS).unref();
    const deadline = setTimeout(() => {
      cut = this.inFlight.size;
      for (const res of this.inFlight) res.socket?.destroy();
    }, answerWithinMs).unref();
    await closed;
    clearTimeout(grace);
    clearTimeout(deadline);
    return { cut };
  }

  private closeUnanswered(): void {
    const answering = new Set([...this.inFlight].map((res) => res.socket));
    for (const socket of this.connections) if (!answering.has(socket)) socket.destroy();
  }

  private track(res: ServerResponse): void {
    this.inFlight.add(res);
    if (this.closing) this.answerLast(res);
    // 'close' comes after the socket is detached from the answer, so it counts as idle by then.
    res.once('close', () => {
      this.inFlight.delete(res);
      if (this.closing) this.server.closeIdleConnections();
    });
  }

  private answerLast(res: ServerResponse): void {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  }
}
