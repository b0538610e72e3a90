import * as os from 'node:os';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { runAsActor } from '../common/actor-context';
import { loadConfig, loadDotEnv } from '../config/load-config';
import { CliSettings } from './cli-settings';
import { CliModule } from './cli.module';
import { RegistryContext } from './registry-context';
import { reportError } from './report-error';
import type { CliStreams } from './terminal';

const VERBOSE_FLAG = '--verbose';

/** nest-commander's run options (its index does not export the type by name). */
type CommandFactoryRunOptions = Extract<Parameters<typeof CommandFactory.createWithoutRunning>[1], { cliName?: string }>;

export function cliActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/**
 * nest-commander's options for our commands: our error edge, our streams, and the root's help.
 * `explain` says an error as the CLI knows it (RegistryContext.explain: a database that went away).
 */
export function cliRunOptions(
  streams: CliStreams,
  verbose: boolean,
  exit: { code: number },
  explain: (error: unknown) => unknown = (error) => error,
): CommandFactoryRunOptions {
  const onError = (error: unknown) => {
    const { line, exitCode } = reportError(explain(error), verbose);
    if (line !== null) streams.stderr.write(`${line}\n`);
    exit.code = exitCode;
  };
  return {
    cliName: 'ai-registry',
    logger: false,
    // The root command's own errors (an unknown command) come here as thrown CommanderErrors too.
    errorHandler: (error: Error) => {
      throw error;
    },
    serviceErrorHandler: onError,
    outputConfiguration: {
      writeOut: (text: string) => streams.stdout.write(text),
      writeErr: (text: string) => streams.stderr.write(text),
      // Commander puts its "(Did you mean …?)" on a line of its own: every error is one line here.
      outputError: (text: string, write: (text: string) => void) => write(`${text.trimEnd().replace(/\n/g, ' ')}\n`),
    },
  };
}

/**
 * Runs one CLI invocation and returns its exit code. `--verbose` is taken out before commander sees
 * it, so it works before or after any command.
 */
export async function runCli(argv: string[], streams: CliStreams): Promise<number> {
  const verbose = argv.includes(VERBOSE_FLAG);
  const args = argv.filter((arg) => arg !== VERBOSE_FLAG);
  const exit = { code: 0 };
  let settings: CliSettings;
  try {
    loadDotEnv();
    const config = loadConfig(streams.env);
    settings = { config, verbose, logLevel: verbose ? 'debug' : 'warn', actor: cliActor() };
  } catch (error) {
    const { line, exitCode } = reportError(error, verbose);
    streams.stderr.write(`${line}\n`);
    return exitCode;
  }
  const opened: { registry?: RegistryContext } = {};
  const options = cliRunOptions(streams, verbose, exit, (error) => opened.registry?.explain(error) ?? error);
  let app: Awaited<ReturnType<typeof CommandFactory.createWithoutRunning>>;
  try {
    app = await CommandFactory.createWithoutRunning(CliModule.forRoot(settings, streams), options);
  } catch (error) {
    const { line, exitCode } = reportError(error, verbose);
    streams.stderr.write(`${line}\n`);
    return exitCode;
  }
  opened.registry = app.get(RegistryContext);
  try {
    await runAsActor(settings.actor, () => app.get(CommandRunnerService).run(args));
  } finally {
    // Closes the registry (and an embedded folder this process owned) whatever the command did; a
    // command that failed has said why in its one line, which a failed close would only repeat.
    await app.close().catch((error: unknown) => {
      if (exit.code === 0) options.serviceErrorHandler?.(error as Error);
    });
  }
  return exit.code;
}
