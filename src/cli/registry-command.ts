import { CommandRunner } from 'nest-commander';

/** nest-commander's own commander (its version, not whichever the tree hoists). */
export type Command = Parameters<CommandRunner['setCommand']>[0];

/**
 * Every command: commander's errors (a bad flag, a missing argument, one too many) come back to us
 * as a CommanderError instead of ending the process, so main.ts reports them and sets the exit code;
 * and `--help` ends with an example.
 */
export abstract class RegistryCommand extends CommandRunner {
  /** Shown at the end of `--help`. */
  protected abstract readonly example: string;

  override setCommand(command: Command): this {
    super.setCommand(command);
    command.exitOverride();
    // nest-commander's commander ignores arguments a command does not take: refuse them instead.
    command.allowExcessArguments(false);
    command.addHelpText('after', `\nExample:\n  $ ${this.example}\n`);
    return this;
  }
}
