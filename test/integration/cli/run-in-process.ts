import { PassThrough } from 'node:stream';
import { CommandTestFactory } from 'nest-commander-testing';
import type { AppConfig } from '../../../src/config/app-config';
import { CliModule } from '../../../src/cli/cli.module';
import { Prompts } from '../../../src/cli/prompts';
import { cliRunOptions } from '../../../src/cli/run-cli';
import type { CliStreams } from '../../../src/cli/terminal';
import { runAsActor } from '../../../src/common/actor-context';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  /** Piped to stdin (then ended), as `--key-stdin` reads it. */
  stdin?: string;
  /** Pretend stdin and stderr are a terminal, answered by `answers` instead of a person. */
  answers?: Partial<Record<keyof Prompts, unknown[]>>;
  env?: NodeJS.ProcessEnv;
}

/**
 * One CLI invocation in this process, through nest-commander's testing factory: the real commands,
 * services and database, our error edge and exit code, with stdout and stderr captured.
 */
export async function runInProcess(config: AppConfig, args: string[], options: InProcessOptions = {}): Promise<CliRun> {
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  if (options.answers) {
    stdin.isTTY = true;
    stderr.isTTY = true;
  } else stdin.end(options.stdin ?? '');
  const streams: CliStreams = { stdin, stdout, stderr, env: options.env ?? {} };
  const exit = { code: 0 };
  let builder = CommandTestFactory.createTestingCommand(
    { imports: [CliModule.forRoot({ config, verbose: false, logLevel: 'silent', actor: 'cli:tester' }, streams)] },
    cliRunOptions(streams, false, exit),
  );
  if (options.answers) {
    const queue = Object.fromEntries(Object.entries(options.answers).map(([k, v]) => [k, [...(v ?? [])]]));
    const next = (kind: string) => async () => {
      const answer = queue[kind]?.shift();
      if (answer === undefined) throw new Error(`the command asked an unexpected ${kind} question`);
      return answer;
    };
    builder = builder.overrideProvider(Prompts).useValue({ choose: next('choose'), secret: next('secret'), confirm: next('confirm') });
  }
  const app = await builder.compile();
  await runAsActor('cli:tester', () => CommandTestFactory.run(app, args));
  return { code: exit.code, stdout: out, stderr: err };
}
