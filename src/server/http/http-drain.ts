import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How often, while closing, the connections an answer left idle are closed. */
const IDLE_SWEEP_MS = 20;

/**
 * Closes an HTTP server under keep-alive load. server.close() stops accepting and closes the idle
 * connections, but a client that sends its next request as soon as the last is answered keeps its
 * connection busy, so close() alone would never call back. From close() on, every request that
 * arrives is answered with `Connection: close` (Node ends the socket after it), and the connections
 * an answer left idle are closed every IDLE_SWEEP_MS until the last is gone. Swept, not followed:
 * Node has no event for a connection going idle, and following every answer for it (a listener per
 * response) cost every request the server ever served, for the few of its last second.
 */
export class HttpDrain {
  constructor(private readonly server: Server) {}

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Prepended: it must run before the app's handler, which may answer at once.
    this.server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    });
    const sweep = setInterval(() => this.server.closeIdleConnections(), IDLE_SWEEP_MS);
    return closed.finally(() => clearInterval(sweep));
  }
}
