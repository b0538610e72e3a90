import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/server/app.factory';
import { testConfig } from './registry-app';
import { TestDatabase, createTestDatabase } from './test-database';

export interface TestApp {
  /** The app's own database, dropped by close(). */
  db: TestDatabase;
  /** Initialized and ready (createApp's), so supertest can call app.getHttpServer() at once. */
  app: NestFastifyApplication;
  /** Its base URL (http://127.0.0.1:<port>) when started with `listen: true`. */
  url?: string;
  /** Closes the app, then drops its database; a second call does nothing. */
  close(): Promise<void>;
}

/**
 * One way every HTTP integration spec gets its app: a test database of its own (empty with
 * `migrated: false`), the app built on it as main.ts builds it (createApp, already initialized) with
 * testConfig's defaults, PORT 0 and `env` over them, listening on a free local port with `listen: true`,
 * and one close() for afterAll. A start that fails leaves nothing behind: what it had started is closed.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { migrated?: boolean; listen?: boolean } = {},
): Promise<TestApp> {
  const db = await createTestDatabase({ migrated: options.migrated });
  let app: NestFastifyApplication | undefined;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      try {
        await app?.close();
      } finally {
        await db.drop();
      }
    })());
  try {
    app = await createApp(testConfig(db, { PORT: '0', ...env }), db.target);
    if (!options.listen) return { db, app, close };
    await app.listen(0, '127.0.0.1');
    return { db, app, url: await app.getUrl(), close };
  } catch (error) {
    // The start's own error is the one worth seeing; a cleanup that fails as well stays quiet.
    await close().catch(() => undefined);
    throw error;
  }
}
