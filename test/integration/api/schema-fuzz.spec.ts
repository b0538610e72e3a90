import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { writeCatalogVariant } from '../../support/catalog-files';
import { freePort } from '../../support/server-process';
import { TestApp, startTestApp } from '../../support/test-app';
import { fuzzRequests, OpenApiDocument, seededRandom } from './fuzz/fuzz-requests';

const BOOTSTRAP = 'bootstrap-admin-token-for-schema-fuzz-0123456789';
const SEED = 24;
const PER_OPERATION = 14;

// Columns a request may touch without changing anything the API owns: when a token was last used.
const VOLATILE_COLUMNS = ['last_used_at'];

/**
 * Every table of the schema as one digest: a refused request (4xx) must leave it as it was. Rows are
 * ordered by their own text, so the digest does not depend on the order PostgreSQL returns them.
 */
async function databaseDigest(dataSource: DataSource): Promise<Record<string, string>> {
  const tables = (await dataSource.query(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  )) as Array<{ name: string }>;
  const strip = VOLATILE_COLUMNS.map((c) => ` - '${c}'`).join('');
  const parts = tables.map(
    ({ name }) => `SELECT '${name}' AS name, md5(coalesce(string_agg(r, ',' ORDER BY r), '')) AS digest
                     FROM (SELECT (to_jsonb(t)${strip})::text AS r FROM "${name}" t) rows`,
  );
  const rows = (await dataSource.query(parts.join(' UNION ALL '))) as Array<{ name: string; digest: string }>;
  return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}

/**
 * A few hundred hostile requests over every operation of /api/docs-json, as an admin: none may
 * answer 5xx, and none answered 4xx may have changed the database.
 */
describe('Schema-driven fuzz over /api/docs-json', () => {
  let testApp: TestApp | undefined;
  let app: INestApplication;
  let reader: DataSource;

  beforeAll(async () => {
    // Every provider's API at a closed local port: whatever a fuzzed request stores, a probe reaches nothing.
    const closed = `http://127.0.0.1:${await freePort()}`;
    const catalog = writeCatalogVariant((doc) => {
      for (const provider of Object.values(doc.providers as Record<string, { base_url: string }>)) provider.base_url = `${closed}/v1`;
    });
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP, CATALOG_PATH: catalog });
    app = testApp.app;
    reader = await testApp.db.dataSource();
  });

  afterAll(() => testApp?.close());

  it('answers no hostile request with 5xx, and changes nothing when it refuses one', async () => {
    const http = () => request(app.getHttpServer());
    const admin = { Authorization: `Bearer ${BOOTSTRAP}` };
    const stored = await http()
      .post('/api/providers/openai/credentials')
      .set(admin)
      .send({ apiKey: 'sk-fuzz-0123456789abcdefghij' })
      .expect(201);
    const document = (await http().get('/api/docs-json').expect(200)).body as OpenApiDocument;
    const requests = fuzzRequests(document, { provider: 'openai', credentialId: stored.body.data.id }, seededRandom(SEED), PER_OPERATION);
    expect(requests.length).toBeGreaterThan(300);

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let before = await databaseDigest(reader);
    for (const fuzz of requests) {
      const call = http()[fuzz.method as 'get'](fuzz.url).set(admin).set(fuzz.headers);
      const response = fuzz.body === undefined ? await call : await call.set('Content-Type', 'application/json').send(fuzz.body);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const after = await databaseDigest(reader);
      if (response.status >= 500) failures.push(`${fuzz.target} → ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
      const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
      if (response.status >= 400 && changed.length > 0)
        failures.push(`${fuzz.target} → ${response.status} but changed ${changed.join(', ')}`);
      before = after;
    }
    expect(failures).toEqual([]);
    // Most requests are refused: a fuzz that mostly got through would be testing nothing.
    const refused = [...statuses].filter(([status]) => status >= 400).reduce((sum, [, n]) => sum + n, 0);
    expect(refused / requests.length).toBeGreaterThan(0.7);
  });
});
