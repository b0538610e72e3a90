import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import type { DatabaseTarget } from './database/database-target';

/** Builds the HTTP app the same way for main.ts and the tests. */
export async function createApp(config: AppConfig, database: DatabaseTarget): Promise<INestApplication> {
  // No logger until ours is in place: a failed boot must end in main.ts's one line, not Nest's stack dump.
  const app = await NestFactory.create(AppModule.forRoot(config, database), { logger: false, abortOnError: false });
  app.useLogger(app.get(Logger));
  return app;
}
