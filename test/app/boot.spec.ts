import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { testConfig } from '../support/registry-app';
import { TestDatabase, createTestDatabase } from '../support/test-database';

describe('app boot', () => {
  let db: TestDatabase;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });

  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  it('runs the migrations at start, answers /healthz with the database status and shuts down cleanly', async () => {
    const config = testConfig(db, { PORT: '0' });
    app = await createApp(config, db.target);
    await app.init();

    const response = await request(app.getHttpServer()).get('/healthz').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up', kind: db.kind } } });

    const dataSource = await db.dataSource();
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM migrations');
    expect(n).toBeGreaterThan(0);

    await app.close();
    app = undefined;
  });
});
