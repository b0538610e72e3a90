import type { LoggerService } from '@nestjs/common';

/**
 * The registry's log as the CLI shows it without --verbose: only plain lines of its own. A warning
 * given while the registry opens (a credentials key generated, stored credentials the key ring cannot
 * read, a stale lock taken over) is passed to `warn` as one line; after that, nothing. What goes wrong
 * while a command runs reaches its one error line instead (a server that stops under a command would
 * otherwise leave its lost connections, retries and failed SQL on stderr as JSON lines). --verbose
 * shows the JSON log itself (createAppLogger).
 */
export class CliLogger implements LoggerService {
  private opening = true;

  constructor(private readonly warnLine: (line: string) => void) {}

  /** The registry is open (or failed to open): from now on only the command speaks. */
  opened(): void {
    this.opening = false;
  }

  warn(message: unknown, ...params: unknown[]): void {
    if (!this.opening) return;
    const text = textOf(message, params);
    if (text) this.warnLine(text);
  }

  log(..._line: unknown[]): void {}
  error(..._line: unknown[]): void {}
  debug(..._line: unknown[]): void {}
  verbose(..._line: unknown[]): void {}
  fatal(..._line: unknown[]): void {}
}

/**
 * A log call's text: Nest's Logger passes `(text, …, context)` or, for a line with fields of its
 * own, `(fields, text, context)`.
 */
function textOf(message: unknown, params: unknown[]): string | null {
  if (typeof message === 'string') return message;
  return params.length >= 2 && typeof params[0] === 'string' ? params[0] : null;
}
