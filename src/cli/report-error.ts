import { DomainError } from '../common/domain-error';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './cli-errors';

/** Matched by shape: nest-commander has its own copy of commander, so its class is not ours to import. */
function isCommanderError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('commander.');
}

/**
 * The CLI's one edge for errors: what to print (one line; a stack only for a bug, and only with
 * --verbose) and the exit code. Commander has printed its own errors already (a bad flag, a missing
 * argument, --help): only the code is left to set.
 */
export function reportError(error: unknown, verbose: boolean): { line: string | null; exitCode: number } {
  if (isCommanderError(error)) {
    const done = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code);
    return { line: null, exitCode: done ? EXIT_OK : EXIT_USAGE };
  }
  if (error instanceof Error && error.name === 'ExitPromptError') return { line: 'cancelled', exitCode: EXIT_INTERRUPTED };
  if (error instanceof DomainError) {
    return { line: `error: ${error.message}`, exitCode: error.kind === 'invalid_input' ? EXIT_USAGE : EXIT_FAILURE };
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = verbose && error instanceof Error && error.stack ? `\n${error.stack}` : ' (--verbose shows where)';
  return { line: `error: unexpected: ${message}${stack}`, exitCode: EXIT_FAILURE };
}
