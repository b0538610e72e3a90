import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { invalidPathAnswer } from './domain-error.filter';
import { API_SECURITY_HEADERS } from './security-headers';

/** The security headers of every answer, for the few Fastify sends before any hook ran. */
const apiHeaders = helmet(API_SECURITY_HEADERS);

/**
 * Fastify's answer to a request it cannot route (a path that is not valid percent-encoding), given
 * before any hook or Nest's handlers run: 400 in the API's envelope with the usual security headers,
 * instead of Fastify's own body.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  apiHeaders(request.raw, reply.raw, () => undefined);
  const status = error.statusCode !== undefined && error.statusCode < 500 ? 400 : 500;
  void reply
    .code(status)
    .send(status === 400 ? invalidPathAnswer(error.message) : { data: null, meta: {}, status: 'error', message: 'internal error' });
}
