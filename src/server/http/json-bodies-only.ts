import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { isApiPath, isGatewayPath } from './api-paths';

/** What the API reads bodies as: JSON (and HTML forms, which the body parsers also take). */
const READ_TYPES = /^application\/(json|[\w.+-]+\+json|x-www-form-urlencoded)\s*(;|$)/i;
/** What the gateway reads, as OpenAI's API does: JSON only (curl -d without a type would send a form). */
const GATEWAY_TYPES = /^application\/json\s*(;|$)/i;

/**
 * A body the API cannot read (text/plain, XML, no type at all) is refused with 415 instead of being
 * taken as an empty one: a PATCH sent as text would otherwise answer 200 and change nothing. An
 * onRequest hook, so it runs before the body is read, on every method (a GET with a body too).
 */
export function refuseUnreadableBodies(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const types = isApiPath(request.url) ? READ_TYPES : isGatewayPath(request.url) ? GATEWAY_TYPES : undefined;
  if (!types) return done();
  const { headers } = request;
  const length = headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
  if (hasBody && !types.test(headers['content-type'] ?? '')) {
    done(new UnsupportedMediaTypeException('Content-Type must be application/json'));
    return;
  }
  done();
}
