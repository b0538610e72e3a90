import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../../../src/server/app.factory';
import { ApiTokensService } from '../../../../src/server/auth/api-tokens.service';
import { testConfig } from '../../../support/registry-app';
import { freePort } from '../../../support/server-process';
import { TestDatabase, createTestDatabase } from '../../../support/test-database';
import { ensureConsoleBuilt } from './console-build';

export const ADMIN_TOKEN = 'bootstrap-admin-token-for-the-console-tests-0123456789';

export interface ConsoleApp {
  app: INestApplication;
  db: TestDatabase;
  /** http://127.0.0.1:<port> */
  origin: string;
  viewerToken: string;
  /** Calls the API as the admin, as another operator or the CLI would beside the page. */
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: { data: T; meta: Record<string, unknown> } }>;
  close(): Promise<void>;
}

/** The real server (app factory, API, console) on its own test database, listening on a loopback port. */
export async function startConsoleApp(env: Record<string, string> = {}): Promise<ConsoleApp> {
  ensureConsoleBuilt();
  const db = await createTestDatabase({ migrated: false });
  const port = await freePort();
  const app = await createApp(
    testConfig(db, { PORT: String(port), BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', ...env }),
    db.target,
  );
  await app.listen(port, '127.0.0.1');
  const viewerToken = (await app.get(ApiTokensService).create('wall-screen', 'viewer')).token;
  const origin = `http://127.0.0.1:${port}`;
  return {
    app,
    db,
    origin,
    viewerToken,
    async api(method, path, body) {
      const response = await fetch(`${origin}/api${path}`, {
        method,
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
