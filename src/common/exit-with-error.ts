import { DomainError } from './domain-error';

/**
 * Ends a process that could not start: an error an operator can act on as one line, anything else
 * (a bug) with its stack. Written straight to stderr, since it must show whatever LOG_LEVEL says,
 * and before any logger exists.
 */
export function exitWithError(error: unknown): never {
  process.stderr.write(`${describeFailure(error, true)}\n`);
  process.exit(1);
}

/** How long a server that failed to start may take to write its last log lines before it exits anyway. */
const EXIT_GRACE_MS = 2_000;

/**
 * Ends a process whose log has begun, with `code`: its last lines (pino writes stdout asynchronously)
 * may still be on their way, and process.exit() would drop them. The process ends once nothing is
 * left to do; a handle something failed to close cannot keep it up longer than `graceMs`.
 */
export function endProcess(code: number, graceMs = EXIT_GRACE_MS): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), graceMs).unref();
}

/** As exitWithError, for a process whose log has begun (endProcess). */
export function endWithError(error: unknown): void {
  process.stderr.write(`${describeFailure(error, true)}\n`);
  endProcess(1);
}

/** A failed start in words: an error an operator can act on as its message, anything else (a bug) as unexpected. */
export function describeFailure(error: unknown, withStack = false): string {
  if (error instanceof DomainError) return error.message;
  const shown = withStack ? ((error as Error)?.stack ?? String(error)) : ((error as Error)?.message ?? String(error));
  return `Unexpected error: ${shown}`;
}
