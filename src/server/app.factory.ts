import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { API_BODY_LIMIT, setUpApiDocs } from './http/api-docs';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { createAppLogger } from '../common/logging/app-logger';
import type { AppConfig } from '../config/app-config';
import type { DatabaseTarget } from '../database/database-target';

/** TRUST_PROXY as Express takes it: a boolean, a hop count, or the addresses/subnets to trust. */
function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** Builds the HTTP app the same way for main.ts and the tests. */
export async function createApp(config: AppConfig, database: DatabaseTarget): Promise<INestApplication> {
  // Our format and level from the first line on, so what the boot logs (the key ring's generated-key
  // warning) is seen; abortOnError: false hands a failed boot to the caller instead of process.abort().
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, database), {
    logger: createAppLogger(config.LOG_LEVEL),
    abortOnError: false,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // JSON bodies up to 64 KiB: nothing the API takes is larger, and a bigger one is answered 413.
  app.useBodyParser('json', { limit: API_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: API_BODY_LIMIT, extended: false });
  if (config.TRUST_PROXY !== undefined) app.set('trust proxy', trustProxyValue(config.TRUST_PROXY));
  // nosniff, frame denial and friends everywhere; the strict Content-Security-Policy is the admin
  // console's own (src/server/admin-console), since the API's Swagger page (/api/docs) runs inline scripts.
  app.use(helmet({ contentSecurityPolicy: false, frameguard: { action: 'deny' }, strictTransportSecurity: false }));
  setUpApiDocs(app);
  return app;
}
