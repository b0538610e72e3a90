import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCatalog } from '../../../src/registry/catalog/load-catalog';
import { SHIPPED_CATALOG } from '../../support/catalog-files';
import { FakeProviderServer, keyLeaks } from '../../support/fake-provider-server';
import { TEST_KEY_1 } from '../../support/registry-app';
import { embeddedEnv, REPO_ROOT, startServer } from '../../support/server-process';
import { createTestDatabase, onRealPostgres, TestDatabase } from '../../support/test-database';
import { waitFor } from '../../support/server-process';

const KEY = 'sk-proj-Proc9Wq3ZmLx5Ty8Nd2Kv7Hs4Bj6Fa1Rc';
const SECRET_PART = KEY.slice('sk-proj-'.length);
const OPENAI_MODELS = loadCatalog(SHIPPED_CATALOG)
  .providers.get('openai')!
  .textModels.map((m) => m.id);
const BOOTSTRAP = 'bootstrap-admin-token-for-cli-process-tests-0123456789';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `ai-registry <args>` as a real child process: the package's bin as built (dist/cli/main.js), stdin piped. */
function cli(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Exit> {
  const started = Date.now();
  const child = spawn(process.execPath, ['dist/cli/main.js', ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })));
}

function expectNoKey(...runs: Exit[]) {
  for (const run of runs) expect(keyLeaks(run.stdout + run.stderr, SECRET_PART)).toEqual([]);
}

// A dozen process starts per test on a loaded 2-core machine: generous, since no figure is asserted.
jest.setTimeout(240_000);

describe('ai-registry as a child process', () => {
  const fake = new FakeProviderServer();
  let baseUrl: string;

  beforeAll(async () => {
    await fake.start();
    baseUrl = fake.add('openai', { kind: 'openai', apiKey: KEY, models: OPENAI_MODELS }).baseUrl;
  });
  afterAll(() => fake.close());

  const onPostgres = onRealPostgres ? describe : describe.skip;
  onPostgres('on DATABASE_URL', () => {
    let db: TestDatabase;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      db = await createTestDatabase();
      env = { ...process.env, DATABASE_URL: db.url, CREDENTIALS_KEYS: `k1:${TEST_KEY_1}`, HEALTH_CHECK_INTERVAL_MS: '0' };
      delete env.CREDENTIALS_KEY;
    });
    afterAll(() => db.drop());

    it('set → list → health → disable → list → remove, with the exit codes and output a script relies on', async () => {
      const noKey = await cli(['ai:credentials:set', 'openai'], env);
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toBe(
        'error: missing key for openai: pipe it in with --key-stdin (or pass --key, which shells keep in their history)\n',
      );

      const set = await cli(['ai:credentials:set', 'openai', '--key-stdin', '--base-url', baseUrl], env, `${KEY}\n`);
      expect(set.code).toBe(0);
      expect(set.stdout).toMatch(/^Stored api_key credential \d+ for openai: sk-proj-…a1Rc, active\n$/);

      const listed = await cli(['ai:credentials:list', '--json'], env);
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ provider: 'openai', active: true, providerEnabled: true })]);

      await cli(['ai:providers:disable', 'ollama'], env);
      const healthy = await cli(['ai:health', '--json'], env);
      expect(healthy.code).toBe(0);
      expect(JSON.parse(healthy.stdout)).toMatchObject({ healthy: true });

      fake.add('openai', { kind: 'openai', apiKey: KEY, models: OPENAI_MODELS, mode: 'server_error' });
      const unhealthy = await cli(['ai:health', 'openai'], env);
      fake.add('openai', { kind: 'openai', apiKey: KEY, models: OPENAI_MODELS });
      expect(unhealthy.code).toBe(1);
      expect(unhealthy.stderr).toMatch(/^error: not every provider is healthy: openai (degraded|unhealthy)\n$/);

      const disabled = await cli(['ai:providers:disable', 'openai'], env);
      expect(disabled).toMatchObject({ code: 0, stdout: 'openai disabled\n' });
      const after = await cli(['ai:credentials:list', '--json'], env);
      expect(JSON.parse(after.stdout)).toEqual([expect.objectContaining({ provider: 'openai', providerEnabled: false })]);

      const removed = await cli(['ai:credentials:remove', 'openai', '--yes'], env);
      expect(removed.code).toBe(0);
      const empty = await cli(['ai:credentials:list', '--json'], env);
      expect(JSON.parse(empty.stdout)).toEqual([]);
      expectNoKey(noKey, set, listed, healthy, unhealthy, disabled, after, removed, empty);
    });

    it('an unreachable database is one line naming it, exit 1, no stack', async () => {
      const run = await cli(['ai:providers:list'], { ...env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing' });
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^error: .*127\.0\.0\.1:1/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  });

  describe('beside a running server on the embedded database', () => {
    let dataDir: string;
    let server: Awaited<ReturnType<typeof startServer>>;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-cli-'));
      server = await startServer(dataDir, { BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP, LOG_LEVEL: 'warn' });
      env = embeddedEnv(dataDir, { LOG_LEVEL: 'warn' });
    }, 120_000);
    afterAll(async () => {
      server.child.kill('SIGTERM');
      await server.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const select = async () => {
      const response = await fetch(`http://127.0.0.1:${server.port}/api/models/select`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BOOTSTRAP}`, 'content-type': 'application/json' },
        body: JSON.stringify({ modelType: 'text' }),
      });
      return ((await response.json()) as { data?: { provider: string } }).data?.provider;
    };

    it("set → list → health → disable → list → remove through the server's socket, each change reaching the server's selection", async () => {
      const set = await cli(['ai:credentials:set', 'openai', '--key-stdin', '--base-url', baseUrl], env, KEY);
      expect(set.code).toBe(0);
      await waitFor('the server to select openai', async () => ((await select()) === 'openai' ? true : undefined));

      const timings: number[] = [];
      for (let i = 0; i < 3; i++) {
        const listed = await cli(['ai:providers:list', '--json'], env);
        expect(listed.code).toBe(0);
        expect(JSON.parse(listed.stdout)).toEqual(
          expect.arrayContaining([expect.objectContaining({ provider: 'openai', availability: { available: true } })]),
        );
        timings.push(listed.ms);
      }
      // For the note, never asserted: a child process's whole life.
      process.stdout.write(`ai:providers:list through a running embedded server: ${timings.join(', ')} ms\n`);

      const credentials = await cli(['ai:credentials:list', '--json'], env);
      expect(JSON.parse(credentials.stdout)).toEqual([
        expect.objectContaining({ provider: 'openai', active: true, providerEnabled: true }),
      ]);
      // Ollama needs no key and nothing serves it here: off, so the gate speaks of openai alone.
      expect((await cli(['ai:providers:disable', 'ollama'], env)).code).toBe(0);
      const healthy = await cli(['ai:health', '--json'], env);
      expect(healthy.code).toBe(0);
      expect(JSON.parse(healthy.stdout)).toMatchObject({
        healthy: true,
        results: expect.arrayContaining([expect.objectContaining({ provider: 'openai', status: 'healthy' })]),
      });

      const disabled = await cli(['ai:providers:disable', 'openai'], env);
      expect(disabled.code).toBe(0);
      await waitFor('the server to stop selecting openai', async () => ((await select()) !== 'openai' ? true : undefined));
      const after = await cli(['ai:credentials:list', '--json'], env);
      expect(JSON.parse(after.stdout)).toEqual([expect.objectContaining({ provider: 'openai', providerEnabled: false })]);
      const removed = await cli(['ai:credentials:remove', 'openai', '--yes'], env);
      expect(removed.code).toBe(0);
      expect(JSON.parse((await cli(['ai:credentials:list', '--json'], env)).stdout)).toEqual([]);
      expectNoKey(set, credentials, healthy, disabled, after, removed);
      expect(keyLeaks(server.output(), SECRET_PART)).toEqual([]);
    });
  });
});
