import type { Readable, Writable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type * as CliProgress from 'cli-progress';
import type CliTable from 'cli-table3';
import { createColors } from 'picocolors';

/** Where a command reads and writes; process's own streams in the CLI, buffers in tests. */
export interface CliStreams {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const CLI_STREAMS = Symbol('CliStreams');

export interface Progress {
  tick(label?: string): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { tick: () => undefined, stop: () => undefined };

/**
 * Everything a command shows goes through here, so the rules hold for all of them: results on stdout
 * (with --json exactly one JSON document and nothing else), messages, prompts and progress on stderr,
 * colours and progress bars only on a terminal and never with NO_COLOR.
 */
@Injectable()
export class Terminal {
  readonly colors;

  constructor(@Inject(CLI_STREAMS) readonly streams: CliStreams) {
    this.colors = createColors(Boolean(streams.stdout.isTTY) && !streams.env.NO_COLOR);
  }

  /** A person is there to answer: stdin and stderr (where prompts go) are terminals. */
  get interactive(): boolean {
    return Boolean(this.streams.stdin.isTTY && this.streams.stderr.isTTY);
  }

  print(line = ''): void {
    this.streams.stdout.write(`${line}\n`);
  }

  json(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A note for the person at the terminal (never part of the result). */
  note(line: string): void {
    this.streams.stderr.write(`${line}\n`);
  }

  warn(line: string): void {
    this.streams.stderr.write(`${this.colors.yellow('warning:')} ${line}\n`);
  }

  table(head: string[], rows: Array<Array<string | number>>): void {
    // Required here, as the progress bar's library is: a run with --json or without a table never loads them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Table = require('cli-table3') as typeof CliTable;
    const table = new Table({
      head: head.map((h) => this.colors.bold(h)),
      style: { head: [], border: [] },
      // No rule between rows: a list of 2,000 providers stays one screen line per provider.
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    table.push(...rows.map((row) => row.map(String)));
    this.print(table.toString());
  }

  /** A progress bar on stderr while `total` steps run; nothing when stderr is not a terminal. */
  progress(total: number, label: string): Progress {
    if (!this.streams.stderr.isTTY || total === 0) return NO_PROGRESS;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SingleBar } = require('cli-progress') as typeof CliProgress;
    const bar = new SingleBar({
      stream: this.streams.stderr,
      format: `${label} [{bar}] {value}/{total} {item}`,
      hideCursor: true,
      clearOnComplete: true,
    });
    bar.start(total, 0, { item: '' });
    return {
      tick: (item = '') => bar.increment(1, { item }),
      stop: () => bar.stop(),
    };
  }
}
