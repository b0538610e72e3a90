import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { embeddedUrl } from '../../../src/embedded-postgres/embedded-url';
import {
  SERVER_ENTRY,
  TYPEORM_CLI,
  embeddedEnv,
  memoryOf,
  newestLockFile,
  readLock,
  runEntry,
  startServer,
  waitFor,
} from '../../support/server-process';

/**
 * The embedded database as a newcomer meets it: real server processes on a data folder, a second
 * process beside them, kill -9. Independent of TEST_DATABASE_URL: these always use PGlite.
 */
describe('embedded database processes', () => {
  let dataDir: string;
  const running: Array<{ child: { kill(signal?: NodeJS.Signals): boolean }; exited: Promise<number | null> }> = [];

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-embedded-'));
    // What a first start killed half-way by earlier versions (a pgdata without PG_VERSION) or by
    // this one (its temporary initdb folder) leaves behind.
    fs.mkdirSync(path.join(dataDir, 'pgdata'));
    fs.writeFileSync(path.join(dataDir, 'pgdata', 'postgresql.conf'), '# half-made\n');
    fs.mkdirSync(path.join(dataDir, 'pgdata.init-0dead'));
  });

  afterAll(async () => {
    for (const p of running) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('owns its folder: a second server and a kill -9 are handled, the data survives, tools go through the socket', async () => {
    const first = await startServer(dataDir, { EMBEDDED_DB_IDLE_IN_TRANSACTION_MS: '300', EMBEDDED_DB_SLOW_WARN_MS: '100' });
    running.push(first);
    process.stdout.write(
      `embedded server start-up to /healthz 200, empty data folder: ${first.startupMs} ms, ${memoryOf(first.child.pid!)}\n`,
    );
    const leftovers = fs.readdirSync(dataDir).filter((name) => name.startsWith('pgdata'));
    expect(leftovers).toEqual(expect.arrayContaining(['pgdata', expect.stringMatching(/^pgdata\.incomplete-\d+$/)]));
    expect(leftovers).toHaveLength(2);
    expect(fs.statSync(path.join(dataDir, 'pgdata')).mode & 0o777).toBe(0o700);
    expect(first.output()).toMatch(/held no database \(no PG_VERSION\): moved it to .*pgdata\.incomplete-\d+/);
    const lock = readLock(dataDir);
    expect(lock).toMatchObject({ pid: first.child.pid });
    expect(lock!.port).toEqual(expect.any(Number));

    // The socket wants this start's password, which only the owner of the folder can read.
    expect(fs.statSync(newestLockFile(dataDir)!).mode & 0o777).toBe(0o600);
    const intruder = new Client({ connectionString: `postgresql://intruder:nopassword@127.0.0.1:${lock!.port}/postgres` });
    await expect(intruder.connect()).rejects.toThrow('password authentication failed for user "intruder"');

    // A second server on the same folder is refused with one clear line.
    const second = runEntry(SERVER_ENTRY, [], embeddedEnv(dataDir, { PORT: '0', HOST: '127.0.0.1' }));
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`is in use by process ${first.child.pid}`);
    expect(second.output()).toContain('DATABASE_URL');
    expect(second.output()).not.toMatch(/\n\s+at /); // no stack trace

    // The TypeORM CLI beside the running server connects through its socket.
    const show = runEntry(TYPEORM_CLI, ['-d', 'ormconfig.ts', 'migration:show'], embeddedEnv(dataDir));
    expect(await show.exited).toBe(0);
    expect(show.output()).toMatch(/\[X\] \d+ CreateAiCredentials1764000000000/);
    expect(show.output()).not.toMatch(/\[ \]/);
    expect(readLock(dataDir)?.pid).toBe(first.child.pid);

    // A change committed through another connection reaches the server process in-process.
    const client = new Client({ connectionString: embeddedUrl(lock!.port!, lock!.secret) });
    await client.connect();
    // PGlite's memory: 16 MB of shared buffers instead of PostgreSQL's 128 MB, on a new folder and (below) an existing one.
    expect((await client.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
    await client.query(`UPDATE provider_configs SET ui_preferences = '{"color":"#123456"}' WHERE provider = 'openai'`);
    await client.query(`SELECT pg_notify('ai_registry_changes', '{"kind":"provider_config","instance":"test"}')`);
    await client.end();
    const delivered = 'Notification on \\"ai_registry_changes\\" (44 characters) delivered in-process';
    await waitFor('the notification in the server log', () => (first.output().includes(delivered) ? true : undefined));

    // What used to make the server exit: a COPY FROM STDIN, a slow statement, a client idle in its
    // transaction while another waits. The server answers, warns, disconnects the idle one, and stays up.
    const copying = new Client({ connectionString: embeddedUrl(lock!.port!, lock!.secret) });
    await copying.connect();
    await expect(copying.query('COPY provider_configs FROM STDIN')).rejects.toThrow(
      'COPY FROM STDIN is not supported by the embedded database',
    );
    await copying.end();
    const idle = new Client({ connectionString: embeddedUrl(lock!.port!, lock!.secret) });
    const idleErrors: Error[] = [];
    idle.on('error', (error) => idleErrors.push(error));
    await idle.connect();
    await idle.query('BEGIN');
    await idle.query('SELECT count(*) FROM provider_configs');
    const waiting = new Client({ connectionString: embeddedUrl(lock!.port!, lock!.secret) });
    await waiting.connect();
    expect((await waiting.query(`SELECT pg_sleep(0.2)::text AS slept`)).rows).toEqual([{ slept: '' }]);
    await waiting.end();
    await waitFor('the idle client disconnected', () => (idleErrors.length > 0 ? true : undefined));
    expect(idleErrors[0].message).toContain('terminating connection due to idle-in-transaction timeout (300 ms)');
    await idle.end().catch(() => undefined);
    await waitFor('the disconnection in the server log', () =>
      first.output().includes('disconnecting it (EMBEDDED_DB_IDLE_IN_TRANSACTION_MS=300)') ? true : undefined,
    );
    const slowWarning =
      /SELECT pg_sleep\(0\.2\)::text AS slept took \d+ ms, and every other connection waited for it \(warning above EMBEDDED_DB_SLOW_WARN_MS=100\)/;
    await waitFor('the slow statement in the server log', () => (slowWarning.test(first.output()) ? true : undefined));
    expect((await fetch(`http://127.0.0.1:${first.port}/healthz`)).status).toBe(200);

    // kill -9: the lock stays behind, naming a dead process; the next start takes it over and the data is there.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(readLock(dataDir)?.pid).toBe(first.child.pid);
    const restarted = await startServer(dataDir);
    running.push(restarted);
    process.stdout.write(
      `embedded server start-up to /healthz 200, existing data folder after kill -9: ${restarted.startupMs} ms, ${memoryOf(restarted.child.pid!)}\n`,
    );
    expect(restarted.output()).toContain('stale lock');
    const relock = readLock(dataDir)!;
    const check = new Client({ connectionString: embeddedUrl(relock.port!, relock.secret) });
    expect(relock.secret).not.toBe(lock!.secret); // one per start
    await check.connect();
    expect((await check.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
    const { rows } = await check.query(`SELECT ui_preferences FROM provider_configs WHERE provider = 'openai'`);
    await check.end();
    expect(rows).toEqual([{ ui_preferences: { color: '#123456' } }]);

    // SIGTERM: a clean shutdown releases the lock.
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    expect(readLock(dataDir)).toBeNull();

    // With no server running a tool opens the folder itself, holds the lock while it runs, and releases it.
    const alone = runEntry(TYPEORM_CLI, ['-d', 'ormconfig.ts', 'migration:show'], embeddedEnv(dataDir));
    expect(await alone.exited).toBe(0);
    expect(alone.output()).toMatch(/\[X\] \d+ BackfillProviderConfigs1764000003000/);
    expect(readLock(dataDir)).toBeNull();
  }, 180_000);
});
