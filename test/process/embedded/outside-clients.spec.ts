import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { embeddedUrl } from '../../../src/embedded-postgres/embedded-url';
import { readLock, startServer } from '../../support/server-process';

const run = promisify(execFile);
const BOOTSTRAP = 'bootstrap-admin-token-for-tests-0123456789abcdef';

/** Runs a PostgreSQL client tool; its exit code and output, whether it succeeded or not. */
async function tool(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 30_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/**
 * What the README invites: looking inside the embedded database of a running server with psql (and
 * pg_dump), through its socket. A client's session settings must not become the server's.
 * Independent of TEST_DATABASE_URL: always PGlite.
 */
describe('outside clients of the embedded database', () => {
  let dataDir: string;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let url: string;
  const api = (route: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${server!.port}${route}`, { ...init, headers: { Authorization: `Bearer ${BOOTSTRAP}` } });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-outside-'));
    server = await startServer(dataDir, { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP });
    const lock = readLock(dataDir)!;
    url = embeddedUrl(lock.port!, lock.secret!);
  });

  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function expectServing(): Promise<void> {
    expect((await api('/readyz')).status).toBe(200);
    expect((await api('/api/audit?limit=1')).status).toBe(200);
    expect((await api('/api/providers/openai/disable', { method: 'POST' })).status).toBe(200);
    expect((await api('/api/providers/openai/enable', { method: 'POST' })).status).toBe(200);
  }

  it('keeps serving after psql sets search_path or read-only and leaves, and after pg_dump connects', async () => {
    await expectServing();

    const searchPath = await tool('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', `SET search_path = ''`, '-c', 'SHOW search_path']);
    expect(searchPath).toMatchObject({ code: 0, output: expect.stringContaining('""') });
    await expectServing();

    const readOnly = await tool('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', 'SET default_transaction_read_only = on']);
    expect(readOnly.code).toBe(0);
    await expectServing();

    // Debian's pg_dump sets search_path = '' as it connects (it may then refuse PGlite's newer version).
    await tool('pg_dump', ['--schema-only', url]);
    await expectServing();
  });
  it('answers the gateway while a statement runs on the embedded database (PGlite has a thread of its own)', async () => {
    const created = await fetch(`http://127.0.0.1:${server!.port}/api/keys`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${BOOTSTRAP}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'while-busy' }),
    });
    const { key } = ((await created.json()) as { data: { key: string } }).data;
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const order: string[] = [];
      const slow = client.query('SELECT pg_sleep(3)').then(() => order.push('statement'));
      await new Promise((resolve) => setTimeout(resolve, 500)); // the statement is running
      // /v1/models answers from memory; on the server's own thread PGlite held it until the statement ended.
      const models = await fetch(`http://127.0.0.1:${server!.port}/v1/models`, { headers: { Authorization: `Bearer ${key}` } });
      order.push('models');
      await slow;
      expect(models.status).toBe(200);
      expect(order).toEqual(['models', 'statement']);
      await expectServing();
    } finally {
      await client.end();
    }
  });
});
