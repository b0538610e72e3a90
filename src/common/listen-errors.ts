import { createServer } from 'node:net';
import { DomainError } from './domain-error';

export class ListenError extends DomainError {
  readonly code = 'CANNOT_LISTEN';
  readonly kind = 'misconfigured';
}

/**
 * A socket that could not be opened, named by the variable that chose it, as one line. Null when
 * `error` is not about listening.
 */
export function explainListenError(error: unknown, variable: string, host: string, port: number): ListenError | null {
  if (error instanceof DomainError) return null;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new ListenError(
        `${variable}=${port} is already in use on ${host}: stop what listens on ${where} or choose another ${variable}`,
      );
    case 'EACCES':
      return new ListenError(`${variable}=${port} cannot be opened on ${host}: permission denied (ports below 1024 need privileges)`);
    case 'EADDRNOTAVAIL':
      return new ListenError(`HOST=${host} is not an address of this machine, so ${variable}=${port} cannot be opened there`);
    default:
      return null;
  }
}

/**
 * Fails as explainListenError says when `port` cannot be opened on `host` now (taken, not allowed),
 * by opening and closing it: for a process to fail before it starts logging, instead of claiming a
 * start it cannot finish. Port 0 (any free one) always can. Another program may still take the port
 * before the real listen, which then fails the same way.
 */
export async function assertPortFree(variable: string, host: string, port: number): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(explainListenError(error, variable, host, port) ?? error));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}
