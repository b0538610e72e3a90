import { Injectable } from '@nestjs/common';
import { InjectCommander } from 'nest-commander';
import type { Command } from './registry-command';

/** The top of `ai-registry --help`: what it is, the options every command takes, where its data lives. */
@Injectable()
export class RootCommand {
  constructor(@InjectCommander() root: Command) {
    root
      .name('ai-registry')
      .description('Admin CLI of the AI provider registry: credentials, providers, health, catalog sync, usage, API tokens')
      .addHelpText(
        'after',
        "\nEvery command also takes --verbose (the registry's log lines on stderr, stacks of unexpected errors)" +
          " and --help (with an example).\nIt uses the server's configuration: DATABASE_URL, or the embedded database in DATA_DIR" +
          ' (through a running server, or opened for the command).\n\nExample:\n  $ ai-registry ai:providers:list\n',
      );
  }
}
