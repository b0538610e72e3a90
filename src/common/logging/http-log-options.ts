import type { Options } from 'pino-http';
import type { LogLevel } from './log-level';
import { prettyOnTty } from './pretty-on-tty';
import { maskHeaders, maskQuery, maskUrl } from './redaction';

/**
 * What the server leaves on Node's request for the request log, besides the request itself: the
 * token that called (its name) and the route template the router matched.
 */
export interface RequestLogFacts {
  principal?: { name: string };
  /** A gateway call's consumer key (its name is logged, never the key). */
  consumer?: { name: string };
  /** Who answered a gateway call: provider/model, and the attempts it took. */
  answeredBy?: { upstream: string; attempts: number };
  routePath?: string;
}

interface LoggedMessage {
  url?: string;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
}

/** Of an answer's headers, those worth its log line: what it was, how large, and when to come back. */
const LOGGED_RESPONSE_HEADERS = ['content-type', 'content-length', 'retry-after'];

export function loggedResponseHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const name of LOGGED_RESPONSE_HEADERS) if (headers[name] !== undefined) kept[name] = headers[name];
  return kept;
}

/**
 * The request log (pino-http, through nestjs-pino). Its serializers receive the already serialized
 * request/response (pino-http wraps them), so they only mask: header values by name, and the values
 * of secret query parameters in both the URL and the parsed query; of the response's headers, the
 * few worth a line (the security headers every answer carries would only repeat). They run for every
 * line logged inside a request too, since those carry the request as a binding.
 */
export function httpLogOptions(level: LogLevel): Options {
  return {
    level,
    transport: prettyOnTty(1),
    serializers: {
      req: (req: LoggedMessage) =>
        Object.assign(req, {
          url: typeof req.url === 'string' ? maskUrl(req.url) : req.url,
          query: req.query && maskQuery(req.query),
          headers: req.headers && maskHeaders(req.headers),
        }),
      res: (res: LoggedMessage) => Object.assign(res, { headers: res.headers && loggedResponseHeaders(res.headers) }),
    },
    // Evaluated again when the response is logged, by which time the guard has named the token (or
    // the gateway its consumer key, and who answered): who called which route, never a key itself.
    customProps: (req) => {
      const { principal, consumer, answeredBy, routePath } = req as RequestLogFacts;
      return {
        ...(principal ? { token: principal.name } : {}),
        ...(consumer ? { consumerKey: consumer.name } : {}),
        ...(answeredBy ?? {}),
        ...(routePath ? { route: routePath } : {}),
      };
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' },
  };
}
