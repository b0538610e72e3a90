import { InvalidInputError, UnknownProviderError } from '../registry';
import { CliFailure, CliUsageError } from './cli-errors';
import { reportError } from './report-error';

describe('reportError', () => {
  it('leaves commander’s own message alone and sets 0 for help, 2 for a usage error', () => {
    const help = Object.assign(new Error('(outputHelp)'), { code: 'commander.helpDisplayed' });
    const unknown = Object.assign(new Error("error: unknown option '--x'"), { code: 'commander.unknownOption' });
    expect(reportError(help, false)).toEqual({ line: null, exitCode: 0 });
    expect(reportError(unknown, false)).toEqual({ line: null, exitCode: 2 });
  });

  it('is one line for a domain error: 2 for bad input, 1 otherwise', () => {
    expect(reportError(new CliUsageError('missing --name <name>'), false)).toEqual({ line: 'error: missing --name <name>', exitCode: 2 });
    expect(reportError(new InvalidInputError('expiresAt', 'must be in the future'), false).exitCode).toBe(2);
    expect(reportError(new UnknownProviderError('x'), false).exitCode).toBe(1);
    expect(reportError(new CliFailure('nothing changed'), false)).toEqual({ line: 'error: nothing changed', exitCode: 1 });
  });

  it('shows the stack of an unexpected error only with --verbose', () => {
    const bug = new TypeError('x is not a function');
    expect(reportError(bug, false)).toEqual({ line: 'error: unexpected: x is not a function (--verbose shows where)', exitCode: 1 });
    expect(reportError(bug, true).line).toContain('\nTypeError: x is not a function\n    at ');
  });

  it('a prompt left with Ctrl-C is "cancelled", exit 130', () => {
    expect(reportError(Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' }), false)).toEqual({
      line: 'cancelled',
      exitCode: 130,
    });
  });
});
