import type { FastifyInstance } from 'fastify';
import { runWithActorSlot } from '../../common/actor-context';

/**
 * Every request runs in a context of its own for the audit trail's actor, empty until the API's
 * guard names the token that called (actAs): the registry's writes during the request record that
 * name; routes without a token (public ones, the gateway's) write as no one, as jobs do. Entered
 * just before the handler, after the body was read (a context entered earlier is lost across the
 * body's stream events).
 */
export function actorPerRequest(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (_request, _reply, done) => runWithActorSlot(done));
}
