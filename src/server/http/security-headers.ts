import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * nosniff, frame denial and friends on every answer. No Content-Security-Policy here: the API's
 * Swagger page (/api/docs) runs inline scripts; the admin console's routes set their own strict one
 * (admin-console/console-headers.ts), which replaces these. TLS is terminated in front of the
 * server, which decides about HSTS for the whole host.
 */
export const API_SECURITY_HEADERS = {
  contentSecurityPolicy: false,
  frameguard: { action: 'deny' },
  strictTransportSecurity: false,
} satisfies HelmetOptions;

export type SecurityHeaders = Readonly<Record<string, string>>;

/**
 * The headers a helmet policy sets, worked out once: they depend on the policy alone (no nonce, no
 * request), so each answer gets them as one object instead of helmet's middleware running per
 * request (as @fastify/helmet does, rebuilding it each time: a third of an API request's CPU).
 */
export function headersOf(policy: HelmetOptions): SecurityHeaders {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(policy)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return Object.freeze(headers);
}

export const API_HEADERS = headersOf(API_SECURITY_HEADERS);

/** Sets these headers on a reply (a route's own set later replaces those of the same name). */
export function setSecurityHeaders(reply: FastifyReply, headers: SecurityHeaders): void {
  void reply.headers(headers);
}

/** The API's headers on every answer, first thing on arrival: the answers of the hooks after it (415, 404) carry them too. */
export function securityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    setSecurityHeaders(reply, API_HEADERS);
    done();
  });
}
