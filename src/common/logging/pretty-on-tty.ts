import type { TransportSingleOptions } from 'pino';

/**
 * One log format, pino JSON, wherever logs are collected (a pipe, a file, a container runtime);
 * pino-pretty only when a person reads the stream on a terminal.
 */
export function prettyOnTty(
  fd: 1 | 2,
  isTty = Boolean((fd === 1 ? process.stdout : process.stderr).isTTY),
): TransportSingleOptions | undefined {
  return isTty ? { target: 'pino-pretty', options: { destination: fd, colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined;
}
