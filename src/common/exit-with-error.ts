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

/** A failed start in words: an error an operator can act on as its message, anything else (a bug) as unexpected. */
export function describeFailure(error: unknown, withStack = false): string {
  if (error instanceof DomainError) return error.message;
  const shown = withStack ? ((error as Error)?.stack ?? String(error)) : ((error as Error)?.message ?? String(error));
  return `Unexpected error: ${shown}`;
}
