import type { LoggerService } from '@nestjs/common';
import { Logger as PinoNestLogger, type PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import type { LogLevel } from './log-level';
import { prettyOnTty } from './pretty-on-tty';

/** Nest's context for its report of an error thrown while the app is created or called. */
const NEST_EXCEPTION_HANDLER = 'ExceptionHandler';

/**
 * Nest's own start-up lines: one per module (InstanceLoader), one per controller and route
 * (RoutesResolver, RouterExplorer), and its "starting" and "started": some 60 lines at every start.
 */
const NEST_START_UP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * nestjs-pino's Nest logger with Nest's start-up lines at debug: at the default level a start shows
 * the registry's own lines, its warnings and where it listens, not every module and route.
 */
export class AppLogger extends PinoNestLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    // Nest's Logger passes its context last.
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && NEST_START_UP_CONTEXTS.has(context)) this.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}

/**
 * The one log format of our processes (pino JSON at LOG_LEVEL), as a Nest LoggerService, for the
 * time before the app's LoggerModule exists: the embedded database's start, Nest's own boot, the
 * key ring. Once the app is built, createApp switches to the module's logger, which writes the same way.
 */
class StartupLogger extends AppLogger {
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
