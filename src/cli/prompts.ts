import { Injectable } from '@nestjs/common';
import { Terminal } from './terminal';

/**
 * The questions a command may ask, on stderr, only when Terminal.interactive says someone can answer.
 * The prompt library is loaded by the first question: most runs (scripts, CI, --json) never ask one.
 */
@Injectable()
export class Prompts {
  constructor(private readonly terminal: Terminal) {}

  private get context() {
    return { input: this.terminal.streams.stdin, output: this.terminal.streams.stderr };
  }

  async choose(message: string, choices: Array<{ value: string; name: string }>): Promise<string> {
    const { select } = await import('@inquirer/prompts');
    return select({ message, choices, pageSize: 12 }, this.context);
  }

  /** Masked: the key is never echoed, not even in the line the prompt leaves behind. */
  async secret(message: string): Promise<string> {
    const { password } = await import('@inquirer/prompts');
    return password({ message, mask: '*', validate: (value) => (value.trim() === '' ? 'the key cannot be empty' : true) }, this.context);
  }

  async confirm(message: string): Promise<boolean> {
    const { confirm } = await import('@inquirer/prompts');
    return confirm({ message, default: false }, this.context);
  }
}
