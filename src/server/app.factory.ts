import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { adminConsole } from './admin-console/admin-console.plugin';
import { actorPerRequest } from './audit/request-actor';
import { setUpApiDocs } from './http/api-docs';
import { API_BODY_LIMIT, readBodies } from './http/body-parsers';
import { answerFrameworkError } from './http/framework-errors';
import { refuseUnreadableBodies } from './http/json-bodies-only';
import { RequestLog } from './http/request-log';
import { securityHeaders } from './http/security-headers';
import { HttpMetrics, countRequests } from './metrics/http-metrics';
import { AppLogger, createAppLogger } from '../common/logging/app-logger';
import type { AppConfig } from '../config/app-config';
import type { DatabaseTarget } from '../database/database-target';

/**
 * TRUST_PROXY as Fastify's trustProxy takes it (the values Express's `trust proxy` took): a boolean,
 * a hop count, or the addresses/subnets to trust. A hop count becomes Express's rule (the first n
 * hops are trusted, whatever their address): Fastify 5.12 takes a bare number as trusting nobody.
 */
export function trustProxyValue(value: string): boolean | string | ((address: string, hop: number) => boolean) {
  if (value === 'true' || value === 'false') return value === 'true';
  if (!/^\d+$/.test(value)) return value;
  const hops = Number(value);
  return (_address, hop) => hop < hops;
}

/** The HTTP server's own options: routing as clients knew it, bodies as the API reads them, addresses as TRUST_PROXY says. */
function fastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: API_BODY_LIMIT,
    keepAliveTimeout: 5_000,
    // A request must arrive whole within these (408 past them), so clients that send it slowly or never
    // cannot hold the server's connections; Node checks every second instead of every 30 s.
    // (Node's server takes them together, checking one against the other; Fastify then sets requestTimeout again.)
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
      connectionsCheckingInterval: 1_000,
    },
    ...(config.TRUST_PROXY === undefined ? {} : { trustProxy: trustProxyValue(config.TRUST_PROXY) }),
    routerOptions: {
      // Matched as before: case-insensitively, with or without a trailing slash, and a path parameter
      // as long as the URL (find-my-way's default of 100 characters would answer a long slug 404).
      caseSensitive: false,
      ignoreTrailingSlash: true,
      maxParamLength: 16_384,
    },
    // Keys like __proto__ are kept as JSON.parse keeps them (own properties, no pollution), so the
    // API's validation pipe refuses them naming their path, instead of a bare "not valid JSON".
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    // A URL that is not valid percent-encoding is answered in the API's envelope, not Fastify's.
    frameworkErrors: answerFrameworkError,
    // No Nest middleware runs here (every per-request step is a Fastify hook, and nestjs-pino's is off:
    // forRoutes []), so @fastify/middie, which Nest registers regardless, would only cost every request a hook.
    skipMiddie: true,
  });
}

/**
 * Builds the HTTP app the same way for main.ts and the tests, ready to serve: initialized (routes,
 * hooks, lifecycle hooks run) and Fastify ready, so supertest can call app.getHttpServer() at once
 * and main.ts only listens.
 */
export async function createApp(config: AppConfig, database: DatabaseTarget): Promise<NestFastifyApplication> {
  // Our format and level from the first line on, so what the boot logs (the key ring's generated-key
  // warning) is seen; abortOnError: false hands a failed boot to the caller instead of process.abort().
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, database), fastifyAdapter(config), {
    logger: createAppLogger(config.LOG_LEVEL),
    abortOnError: false,
    bodyParser: false,
  });
  try {
    // The module's logger (nestjs-pino's, through the request log's pino) with our start-up rule (AppLogger).
    app.useLogger(new AppLogger(await app.resolve(PinoLogger), {}));
    const fastify = app.getHttpAdapter().getInstance();
    // The hooks run in this order on every request. First nosniff, frame denial and friends (on the
    // answers the hooks below give too); the strict Content-Security-Policy is the admin console's own,
    // since the API's Swagger page (/api/docs) runs inline scripts.
    securityHeaders(fastify);
    app.get(RequestLog).install(fastify);
    actorPerRequest(fastify);
    countRequests(fastify, app.get(HttpMetrics));
    fastify.addHook('onRequest', refuseUnreadableBodies);
    // JSON up to 64 KiB: nothing the API takes is larger, and a bigger one is answered 413.
    readBodies(fastify);
    await app.register(adminConsole);
    setUpApiDocs(app);
    await app.init();
    await fastify.ready();
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
