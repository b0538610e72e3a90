import { DomainError } from './domain-error';

/**
 * Ends a process that could not start: an error an operator can act on as one line, anything else
 * (a bug) with its stack. Written straight to stderr, since it must show whatever LOG_LEVEL says,
 * and before any logger exists.
 */
export function exitWithError(error: unknown): never {
  const text = error instanceof DomainError ? error.message : `Unexpected error: ${(error as Error)?.stack ?? String(error)}`;
  process.stderr.write(`${text}\n`);
  process.exit(1);
}
