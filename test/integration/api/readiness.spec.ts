import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TestApp, startTestApp } from '../../support/test-app';
import { TestDatabase } from '../../support/test-database';

const BOOTSTRAP = 'bootstrap-admin-token-for-tests-0123456789abcdef';
/** Bounds a request that would otherwise wait forever for a pooled connection, so a hang fails as one. */
const HANG_MS = 15_000;

describe('GET /readyz', () => {
  let testApp: TestApp | undefined;
  let db: TestDatabase;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP, LOG_LEVEL: 'silent' });
    ({ db, app } = testApp);
  });

  afterAll(() => testApp?.close());

  it('answers 503 as often as asked while the migrations table is unreadable, keeping no connection, and 200 once it is back', async () => {
    const outside = await db.dataSource();
    const poolSize = app.get(DataSource).options.poolSize ?? 10;
    // A view that errors on every read, in the table's place: what a damaged or locked-down table looks like to the probe.
    await outside.query('ALTER TABLE migrations RENAME TO migrations_kept');
    await outside.query('CREATE VIEW migrations AS SELECT id, "timestamp", name FROM migrations_kept WHERE id / (id - id) = 1');
    try {
      // More failing probes than the pool has connections: a probe that kept one would starve the rest.
      for (let i = 0; i < poolSize + 2; i++) {
        const response = await http().get('/readyz').timeout(HANG_MS);
        expect(response.status).toBe(503);
        expect(response.body).toMatchObject({ status: 'error', data: null });
        expect(response.body.message).toContain('"migrations":false');
      }
    } finally {
      await outside.query('DROP VIEW migrations');
      await outside.query('ALTER TABLE migrations_kept RENAME TO migrations');
    }
    const ready = await http().get('/readyz').timeout(HANG_MS);
    expect(ready.status).toBe(200);
    expect(ready.body.data).toEqual({ database: true, migrations: true, snapshot: true });
    // The rest of the API still gets connections.
    const audit = await http().get('/api/audit').set('Authorization', `Bearer ${BOOTSTRAP}`).timeout(HANG_MS);
    expect(audit.status).toBe(200);
  });
});
