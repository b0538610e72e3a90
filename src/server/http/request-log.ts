import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Store, storage } from 'nestjs-pino/storage';
import { type HttpLogger, pinoHttp } from 'pino-http';
import { httpLogOptions, type RequestLogFacts } from '../../common/logging/http-log-options';
import type { LogLevel } from '../../common/logging/log-level';

/** The server's request log (pino-http): a provider, so createApp can install its hooks. */
export const REQUEST_LOG = Symbol('RequestLog');

export function createRequestLog(level: LogLevel): HttpLogger {
  return pinoHttp(httpLogOptions(level));
}

type LoggedRequest = IncomingMessage & RequestLogFacts & { query?: unknown; params?: unknown };

/**
 * The request log on Fastify's hooks rather than as a Nest middleware: on arrival, pino-http starts
 * the request's logger (and its "request completed" line) on Node's request, which carries what the
 * line names (query, route params, route template); just before the handler, that logger becomes the
 * one every line logged during the request writes through (nestjs-pino's store). Bound there, after
 * the body was read, because a context entered on arrival is lost across the body's stream events.
 */
export function logRequests(fastify: FastifyInstance, log: HttpLogger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw as LoggedRequest;
    raw.query = request.query;
    raw.params = request.params;
    log(raw, reply.raw);
    // After the logger is made, so the route is named once, on the line that ends the request.
    if (!request.is404) raw.routePath = request.routeOptions.url;
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    storage.run(new Store(request.raw.log), done);
  });
}
