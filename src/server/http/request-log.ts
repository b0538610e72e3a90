import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Store, storage } from 'nestjs-pino/storage';
import type { Bindings, Level, LevelWithSilent, Logger } from 'pino';
import { type HttpLogger, pinoHttp } from 'pino-http';
import { httpLogOptions, type RequestLogFacts } from '../../common/logging/http-log-options';
import type { LogLevel } from '../../common/logging/log-level';

type LoggedRequest = IncomingMessage & RequestLogFacts & { query?: unknown; params?: unknown };

/**
 * A request's logger, made on its first line: past `info` (the request log's own line) most
 * requests write nothing, and making it (the request serialized with its secrets masked, bound to a
 * child logger) cost as much as the rest of an API request. Its lines are the ones pino-http's
 * logger would write: the request as `req`, then who called and which route (customProps).
 */
class LazyRequestLogger {
  private made?: Logger;

  constructor(
    private readonly root: Logger,
    private readonly request: LoggedRequest,
    private readonly props: (req: IncomingMessage) => Bindings,
  ) {}

  get level(): LevelWithSilent {
    return this.root.level as LevelWithSilent;
  }

  isLevelEnabled(level: LevelWithSilent): boolean {
    return this.root.isLevelEnabled(level);
  }

  child(bindings: Bindings): Logger {
    return this.logger().child(bindings);
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  private write(level: Level, args: unknown[]): void {
    if (this.root.isLevelEnabled(level)) (this.logger()[level] as (...line: unknown[]) => void)(...args);
  }

  private logger(): Logger {
    return (this.made ??= this.root.child({ req: this.request }).child(this.props(this.request)));
  }
}

/**
 * The server's request log: pino-http's "request completed" line for every request when LOG_LEVEL
 * lets `info` through, and, at every level, each line logged during a request carrying the request
 * (nestjs-pino's store, which Nest's Logger writes through). A provider, so createApp installs its hooks.
 */
export class RequestLog {
  /** The log's pino, with its serializers (the secrets masked): nestjs-pino writes through it too. */
  readonly logger: Logger;
  private readonly http: HttpLogger;
  private readonly props: (req: IncomingMessage) => Bindings;
  private lastId = 0;

  constructor(level: LogLevel) {
    const options = httpLogOptions(level);
    const customProps = options.customProps as (req: IncomingMessage, res: unknown) => Bindings;
    this.props = (req) => customProps(req, undefined);
    this.http = pinoHttp(options);
    this.logger = this.http.logger;
  }

  /**
   * On Fastify's hooks rather than as a Nest middleware: on arrival, the request's id and what its
   * lines name (query, route params, then the route template) are put on Node's request, and when
   * the line is written, pino-http starts it; just before the handler, the request's logger becomes
   * the one every line logged during the request writes through. Bound there, after the body was
   * read, because a context entered on arrival is lost across the body's stream events.
   */
  install(fastify: FastifyInstance): void {
    const writesLines = this.logger.isLevelEnabled('info');
    fastify.addHook('onRequest', (request, reply, done) => {
      const raw = request.raw as LoggedRequest;
      raw.query = request.query;
      raw.params = request.params;
      if (writesLines) this.http(raw, reply.raw);
      else raw.id = this.nextId();
      // After pino-http made its logger, so the route is named once, on the line that ends the request.
      if (!request.is404) raw.routePath = request.routeOptions.url;
      done();
    });
    fastify.addHook('preHandler', (request, _reply, done) => {
      const raw = request.raw as LoggedRequest;
      const logger = writesLines ? raw.log : this.lazyLogger(raw);
      storage.run(new Store(logger), done);
    });
  }

  /** pino-http's ids: 1, 2, 3, … per process. */
  private nextId(): number {
    this.lastId = (this.lastId + 1) & 0x7fffffff;
    return this.lastId;
  }

  private lazyLogger(raw: LoggedRequest): Logger {
    // Stands in for the pino Logger nestjs-pino's store holds: it calls the level methods and child().
    return new LazyRequestLogger(this.logger, raw, this.props) as unknown as Logger;
  }
}
