import { Injectable } from '@nestjs/common';
import { confirm, password, select } from '@inquirer/prompts';
import { Terminal } from './terminal';

/** The questions a command may ask, on stderr, only when Terminal.interactive says someone can answer. */
@Injectable()
export class Prompts {
  constructor(private readonly terminal: Terminal) {}

  private get context() {
    return { input: this.terminal.streams.stdin, output: this.terminal.streams.stderr };
  }

  choose(message: string, choices: Array<{ value: string; name: string }>): Promise<string> {
    return select({ message, choices, pageSize: 12 }, this.context);
  }

  /** Masked: the key is never echoed, not even in the line the prompt leaves behind. */
  secret(message: string): Promise<string> {
    return password({ message, mask: '*', validate: (value) => (value.trim() === '' ? 'the key cannot be empty' : true) }, this.context);
  }

  confirm(message: string): Promise<boolean> {
    return confirm({ message, default: false }, this.context);
  }
}
