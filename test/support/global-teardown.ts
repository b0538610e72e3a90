import * as fs from 'node:fs';
import { Client } from 'pg';
import { TEST_DATABASE_URL } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const embedded = globalThis.__EMBEDDED_TEST_DBS__;
  if (embedded) {
    await Promise.all(
      embedded.map(async ({ close, dir }) => {
        await close();
        fs.rmSync(dir, { recursive: true, force: true });
      }),
    );
    return;
  }
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (TEST_DATABASE_URL && template) {
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`).finally(() => admin.end());
  }
}
