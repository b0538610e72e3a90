import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { isApiPath, isGatewayPath } from './api-paths';

/** What the API reads bodies as: JSON, and the +json family (application/merge-patch+json, …). */
const READ_TYPES = /^application\/(json|[\w.+-]+\+json)\s*(;|$)/i;
/** What the gateway reads, as OpenAI's API does: JSON only. */
const GATEWAY_TYPES = /^application\/json\s*(;|$)/i;
const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Why a body of this Content-Type was not read, naming what was sent: curl's `-d` without a type
 * sends an HTML form, whose JSON would otherwise surface as a strange field name.
 */
export function unreadableBodyMessage(contentType: string | undefined): string {
  const sent = contentType?.split(';')[0].trim();
  const how = !sent
    ? 'the body was sent without a Content-Type'
    : FORM.test(sent)
      ? `the body was sent as ${sent} (what curl -d sends unless told -H 'Content-Type: application/json')`
      : `the body was sent as ${sent.slice(0, 100)}`;
  return `Content-Type must be application/json: ${how}, so it was not read`;
}

/**
 * A body the API cannot read (a form, text/plain, XML, no type at all) is refused with 415 instead
 * of being taken as something else: a PATCH sent as text would otherwise answer 200 and change
 * nothing, and JSON sent as a form would be refused as a field that should not exist. An onRequest
 * hook, so it runs before the body is read, on every method (a GET with a body too).
 */
export function refuseUnreadableBodies(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const types = isApiPath(request.url) ? READ_TYPES : isGatewayPath(request.url) ? GATEWAY_TYPES : undefined;
  if (!types) return done();
  const { headers } = request;
  const length = headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
  if (hasBody && !types.test(headers['content-type'] ?? '')) {
    done(new UnsupportedMediaTypeException(unreadableBodyMessage(headers['content-type'])));
    return;
  }
  done();
}
