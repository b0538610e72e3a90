import { DomainError } from '../common/domain-error';

/** A command used wrongly (a missing flag, a value it cannot take): one line on stderr and exit 2, as commander does. */
export class CliUsageError extends DomainError {
  readonly code = 'CLI_USAGE';
  readonly kind = 'invalid_input';
}

/** The command ran and could not do what was asked (the reason is the message): one line, exit 1. */
export class CliFailure extends DomainError {
  readonly code = 'CLI_FAILURE';
  readonly kind = 'not_applicable';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** What shells report for a command stopped with Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;
