import helmet from 'helmet';

/**
 * The console's headers: scripts, styles and connections from this origin only (no inline script or
 * style element, no eval), no framing, no plugins, no referrer, nosniff. The REST API's interactive
 * docs (/api/docs) need inline scripts, so this policy is scoped to /admin (app.factory sets the rest).
 */
export const consoleSecurityHeaders = helmet({
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
});
