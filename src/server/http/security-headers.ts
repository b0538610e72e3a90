import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * nosniff, frame denial and friends on every answer (@fastify/helmet, registered by createApp). No
 * Content-Security-Policy here: the API's Swagger page (/api/docs) runs inline scripts; the admin
 * console's routes set their own strict one (admin-console/console-headers.ts), which overrides these.
 * TLS is terminated in front of the server, which decides about HSTS for the whole host.
 */
export const API_SECURITY_HEADERS = {
  contentSecurityPolicy: false,
  frameguard: { action: 'deny' },
  strictTransportSecurity: false,
} satisfies FastifyHelmetOptions;
