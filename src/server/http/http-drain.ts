import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Closes an HTTP server under keep-alive load. server.close() stops accepting and closes the idle
 * connections, but a client that sends its next request as soon as the last is answered keeps its
 * connection busy, so close() alone would never call back. From close() on, every answer not yet
 * sent says `Connection: close` (Node ends the socket after it), and whenever an answer goes out,
 * the connections left idle by it are closed.
 */
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private closing = false;

  /** Install before the server listens, so no request goes untracked. */
  constructor(private readonly server: Server) {
    // Prepended: it must run before the app's handler, which may answer at once.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => this.track(res));
  }

  close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const res of this.inFlight) this.answerLast(res);
    return closed;
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
