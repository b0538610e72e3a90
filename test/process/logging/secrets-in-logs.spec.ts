import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../../src/database/data-source-options';
import { captureLogs } from '../../support/log-capture';
import { TEST_KEY_1 } from '../../support/registry-app';
import { RunningProcess, SERVER_ENTRY, freePort, runEntry, waitFor } from '../../support/server-process';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

/** Values that look like nothing in particular, so only redaction by name can keep them out. */
const SECRETS = {
  authorization: 'hdr-authorization-7Q2x9',
  'proxy-authorization': 'hdr-proxy-authorization-4K8m1',
  'api-key': 'hdr-api-key-3N6v0',
  'x-goog-api-key': 'hdr-goog-key-5J1c8',
  'x-api-key': 'hdr-x-api-key-9L4b2',
  cookie: 'hdr-cookie-2W7z5',
  api_key: 'qry-api-key-8R3t6',
  key: 'qry-key-1P5y4',
  Access_Token: 'qry-access-token-6H9d3',
};

describe('secrets never reach the logs', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  describe('the request log of the real server', () => {
    let server: RunningProcess;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      server = runEntry(SERVER_ENTRY, [], {
        ...process.env,
        DATABASE_URL: db.url,
        CREDENTIALS_KEYS: `k1:${TEST_KEY_1}`,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        HEALTH_CHECK_INTERVAL_MS: '0',
      });
      await waitFor('the server', async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      });
    });

    afterAll(async () => {
      server.child.kill('SIGTERM');
      await server.exited;
    });

    it('masks secret headers and query parameters by name, keeping everything else', async () => {
      const query = `api_key=${SECRETS.api_key}&keep=visible&KEY=${SECRETS.key}&Access_Token=${SECRETS.Access_Token}`;
      const response = await fetch(`http://127.0.0.1:${port}/api/no-such-route?${query}`, {
        headers: {
          authorization: `Bearer ${SECRETS.authorization}`,
          'proxy-authorization': `Basic ${SECRETS['proxy-authorization']}`,
          'api-key': SECRETS['api-key'],
          'x-goog-api-key': SECRETS['x-goog-api-key'],
          'x-api-key': SECRETS['x-api-key'],
          cookie: `sid=${SECRETS.cookie}`,
          'x-trace': 'trace-visible',
        },
      });
      expect(response.status).toBe(404);
      const line = await waitFor('the request log line', () =>
        server
          .output()
          .split('\n')
          .find((l) => l.includes('no-such-route') && l.includes('request completed')),
      );
      const record = JSON.parse(line);
      expect(record.req.url).toBe('/api/no-such-route?api_key=[redacted]&keep=visible&KEY=[redacted]&Access_Token=[redacted]');
      expect(record.req.query).toEqual({ api_key: '[redacted]', keep: 'visible', KEY: '[redacted]', Access_Token: '[redacted]' });
      expect(record.req.headers).toMatchObject({
        authorization: '[redacted]',
        'proxy-authorization': '[redacted]',
        'api-key': '[redacted]',
        'x-goog-api-key': '[redacted]',
        'x-api-key': '[redacted]',
        cookie: '[redacted]',
        'x-trace': 'trace-visible',
      });
      const leaked = Object.values(SECRETS).filter((secret) => server.output().includes(secret));
      expect(leaked).toEqual([]);
    });
  });

  describe('failed queries', () => {
    let dataSource: DataSource;

    beforeAll(async () => {
      dataSource = new DataSource(buildDataSourceOptions(db.url, { poolSize: 1 }));
      await dataSource.initialize();
    });

    afterAll(async () => {
      await dataSource.destroy();
    });

    it('are logged through our logger with the message and the SQL, never the parameters', async () => {
      const ciphertext = 'v1.k1.ciphertext-AbCdEf0123456789-secret';
      const logs = captureLogs();
      try {
        await expect(
          dataSource.query(`INSERT INTO ai_credentials (provider, credential_type, encrypted_credentials) VALUES ($1, $2, $3)`, [
            'p'.repeat(300),
            'api_key',
            ciphertext,
          ]),
        ).rejects.toThrow(/value too long/);
        // A driver message that quotes the value it could not use.
        await expect(dataSource.query(`SELECT $1::uuid`, [ciphertext])).rejects.toThrow(/invalid input syntax for type uuid/);
      } finally {
        logs.restore();
      }
      expect(logs.linesContaining([ciphertext])).toEqual([]);
      const errors = logs.lines.filter((line) => line.startsWith('error: Query failed'));
      expect(errors).toEqual([
        expect.stringContaining(
          'value too long for type character varying(255) — INSERT INTO ai_credentials (provider, credential_type, encrypted_credentials) VALUES ($1, $2, $3)',
        ),
        expect.stringContaining('invalid input syntax for type uuid: "[redacted]" — SELECT $1::uuid'),
      ]);
      // Nothing of TypeORM's own console logger.
      expect(logs.lines.filter((line) => line.startsWith('console.'))).toEqual([]);
    });
  });
});
