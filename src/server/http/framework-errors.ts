import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { invalidPathAnswer } from './domain-error.filter';
import { API_HEADERS, setSecurityHeaders } from './security-headers';

/**
 * Fastify's answer to a request it cannot route (a path that is not valid percent-encoding), given
 * before any hook or Nest's handlers run: 400 in the API's envelope with the usual security headers,
 * instead of Fastify's own body.
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  setSecurityHeaders(reply, API_HEADERS);
  const status = error.statusCode !== undefined && error.statusCode < 500 ? 400 : 500;
  void reply
    .code(status)
    .send(status === 400 ? invalidPathAnswer(error.message) : { data: null, meta: {}, status: 'error', message: 'internal error' });
}
