import type { AppConfig } from '../config/app-config';
import type { LogLevel } from '../common/logging/log-level';

/** What the CLI decided before Nest starts: the server's validated configuration and how loud to be. */
export interface CliSettings {
  config: AppConfig;
  /** `--verbose`: the registry's log lines at debug, and stacks of unexpected errors. */
  verbose: boolean;
  logLevel: LogLevel;
  /** Recorded as the audit trail's actor: `cli:<os user>`. */
  actor: string;
}

export const CLI_SETTINGS = Symbol('CliSettings');
