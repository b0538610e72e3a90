import type { LoggerService } from '@nestjs/common';
import { Logger as PinoNestLogger, type PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import type { LogLevel } from './log-level';
import { prettyOnTty } from './pretty-on-tty';

/** Nest's context for its report of an error thrown while the app is created or called. */
const NEST_EXCEPTION_HANDLER = 'ExceptionHandler';

/**
 * The one log format of our processes (pino JSON at LOG_LEVEL), as a Nest LoggerService, for the
 * time before the app's LoggerModule exists: the embedded database's start, Nest's own boot, the
 * key ring. Once the app is built, main.ts switches to the module's logger, which writes the same way.
 */
class StartupLogger extends PinoNestLogger {
  // With abortOnError: false Nest rethrows every error it reports here, and the caller (main.ts's
  // one line, a tool, a test) reports it once; Nest's copy with its stack would only be noise.
  override error(message: unknown, ...optionalParams: unknown[]): void {
    if (optionalParams[optionalParams.length - 1] === NEST_EXCEPTION_HANDLER) return;
    super.error(message, ...optionalParams);
  }
}

/** `destination`: a file descriptor, stdout by default (the admin CLI logs to stderr: its stdout is its output). */
export function createAppLogger(level: LogLevel, destination: 1 | 2 = 1): LoggerService {
  // A plain pino instance where nestjs-pino expects its PinoLogger (it only calls the level
  // methods): constructing a PinoLogger here would claim nestjs-pino's process-wide default
  // logger before the app's LoggerModule configures it.
  const transport = prettyOnTty(destination);
  const logger = transport || destination === 1 ? pino({ level, transport }) : pino({ level }, pino.destination(destination));
  return new StartupLogger(logger as unknown as PinoLogger, {});
}
