import type { HelmetOptions } from 'helmet';
import { headersOf } from '../http/security-headers';

/**
 * The console's headers: scripts, styles and connections from this origin only (no inline script or
 * style element, no eval), no framing, no plugins, no referrer, nosniff. The REST API's interactive
 * docs (/api/docs) need inline scripts, so this policy is the console's routes' own: its headers
 * replace the API's (http/security-headers.ts) on every console answer.
 */
const CONSOLE_SECURITY_POLICY = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      manifestSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  // TLS is terminated in front of the server, which decides about HSTS for the whole host.
  strictTransportSecurity: false,
} satisfies HelmetOptions;

export const CONSOLE_HEADERS = headersOf(CONSOLE_SECURITY_POLICY);
