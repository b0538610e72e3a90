import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isGatewayPath } from './api-paths';
import { invalidPathAnswer } from './domain-error.filter';
import { API_HEADERS, setSecurityHeaders } from './security-headers';

/**
 * Fastify's answer to a request it cannot route (a path that is not valid percent-encoding), given
 * before any hook or Nest's handlers run, so before the error formats of the edges (ErrorFormats)
 * could: 400 in the API's envelope, or in OpenAI's error shape on the gateway's paths (what its
 * clients parse), with the usual security headers, instead of Fastify's own body.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  setSecurityHeaders(reply, API_HEADERS);
  if (error.statusCode === undefined || error.statusCode >= 500) {
    void reply.code(500).send({ data: null, meta: {}, status: 'error', message: 'internal error' });
  } else if (isGatewayPath(request.url)) {
    void reply.code(400).send({ error: { message: error.message, type: 'invalid_request_error', param: null, code: 'invalid_path' } });
  } else {
    void reply.code(400).send(invalidPathAnswer(error.message));
  }
}
