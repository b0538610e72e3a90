import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../../src/server/app.factory';
import { testConfig, TEST_KEY_1 } from '../../support/registry-app';
import { RunningProcess, SERVER_ENTRY, TYPEORM_CLI, embeddedEnv, freePort, runEntry, startServer } from '../../support/server-process';
import { TestDatabase, createTestDatabase, itOnRealPostgres } from '../../support/test-database';
import { TEST_DATABASE_URL } from '../../support/test-env';

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

const PASSWORD = 'Pa55-not-for-logs';
const TOOL = TYPEORM_CLI;

/** What a failed start must look like: exit 1, exactly one line on stderr, no stack, no password. */
async function expectOneLineFailure(run: RunningProcess): Promise<string> {
  expect(await run.exited).toBe(1);
  const lines = run
    .stderr()
    .split('\n')
    .filter((line) => line.trim() !== '');
  expect(lines).toHaveLength(1);
  expect(run.output()).not.toMatch(/\n\s+at /);
  expect(run.output()).not.toContain(PASSWORD);
  return lines[0];
}

/** The JSON log lines a process wrote (stdout and stderr as they interleaved). */
function jsonLines(run: RunningProcess): Array<{ level: number; msg: string; context?: string }> {
  return run
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; context?: string });
}

/** Occupies a TCP port, as another program would. */
async function occupy(host: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Real processes (the built server and the TypeORM CLI over ormconfig.ts) started the way an operator
 * would, with one thing wrong each time. Independent of TEST_DATABASE_URL: the databases they fail to
 * reach do not exist, and the embedded ones live in folders of their own.
 */
describe('start-up errors (real processes)', () => {
  let work: string;
  let closedPort: number;
  const started: RunningProcess[] = [];

  /** runEntry, remembering the process so a failed test leaves nothing running. */
  function run(entry: string, args: string[], env: NodeJS.ProcessEnv): RunningProcess {
    const spawned = runEntry(entry, args, env);
    started.push(spawned);
    return spawned;
  }

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-boot-'));
    closedPort = await freePort();
  });

  afterAll(async () => {
    for (const p of started) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** A process of ours against a PostgreSQL URL; keys set so only the database can be what is wrong. */
  function onPostgres(url: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: url,
      CREDENTIALS_KEY: TEST_KEY_1,
      PORT: '0',
      LOG_LEVEL: 'info',
      HEALTH_CHECK_INTERVAL_MS: '0',
    };
    delete env.CREDENTIALS_KEYS;
    return env;
  }

  function serverOn(url: string): RunningProcess {
    return run(SERVER_ENTRY, [], onPostgres(url));
  }

  it.each([
    [
      'a closed port',
      () => `postgresql://postgres:${PASSWORD}@127.0.0.1:${closedPort}/registry`,
      () => `127.0.0.1:${closedPort}, database "registry"`,
      /connection refused/,
    ],
    [
      'an unknown host',
      () => `postgresql://postgres:${PASSWORD}@no-such-host.invalid:5432/registry`,
      () => 'no-such-host.invalid:5432',
      /unknown host "no-such-host\.invalid"|could not be resolved/,
    ],
  ])('DATABASE_URL with %s: one line naming host and database and the cause', async (_, url, names, cause) => {
    const server = serverOn(url());
    const line = await expectOneLineFailure(server);
    expect(line).toContain('Cannot connect to DATABASE_URL (PostgreSQL at ');
    expect(line).toContain(names());
    expect(line).toMatch(cause);
    // The log (stdout, as collected) ends with the same words as its fatal line.
    expect(jsonLines(server).at(-1)).toMatchObject({ level: 60, context: 'Bootstrap', msg: line });
  });

  it('CREDENTIALS_KEYS missing beside DATABASE_URL: its one line, before any log line', async () => {
    const env = onPostgres(`postgresql://postgres:${PASSWORD}@127.0.0.1:${closedPort}/registry`);
    delete env.CREDENTIALS_KEY;
    const server = run(SERVER_ENTRY, [], env);
    const line = await expectOneLineFailure(server);
    expect(line).toMatch(/^CREDENTIALS_KEYS \(or CREDENTIALS_KEY\) must be set when DATABASE_URL is set/);
    expect(server.output()).toBe(`${line}\n`);
  });

  itOnRealPostgres(
    "DATABASE_URL naming a database or role that does not exist, on the real server: one line with the server's reason",
    'only a reachable PostgreSQL server can say that a database or role does not exist',
    async () => {
      const server = TEST_DATABASE_URL!;
      const base = new URL(server);
      const missingDb = new URL(server);
      missingDb.password = PASSWORD;
      missingDb.pathname = '/no_such_database_test';
      const missingRole = new URL(server);
      missingRole.username = 'no_such_role';
      missingRole.password = PASSWORD;
      const [dbLine, roleLine] = await Promise.all([
        expectOneLineFailure(serverOn(missingDb.toString())),
        expectOneLineFailure(serverOn(missingRole.toString())),
      ]);
      expect(dbLine).toBe(
        `Cannot connect to DATABASE_URL (PostgreSQL at ${base.hostname}:${base.port || 5432}, database "no_such_database_test", user "${base.username}"): database "no_such_database_test" does not exist`,
      );
      expect(roleLine).toMatch(
        /user "no_such_role"\): (role "no_such_role" does not exist|password authentication failed for user "no_such_role")$/,
      );
    },
  );

  it('DATA_DIR that is a file: one line saying so', async () => {
    const file = path.join(work, 'i-am-a-file');
    fs.writeFileSync(file, 'not a folder');
    const line = await expectOneLineFailure(run(SERVER_ENTRY, [], embeddedEnv(file, { PORT: '0' })));
    expect(line).toBe(`DATA_DIR must be a folder for the embedded database, but it is a file (DATA_DIR=${file})`);
  });

  it('PORT already in use: one line naming PORT, before any log line (no start claimed); the embedded folder is untouched', async () => {
    const taken = await occupy('127.0.0.1');
    try {
      const dataDir = path.join(work, 'port-taken');
      const server = run(SERVER_ENTRY, [], embeddedEnv(dataDir, { PORT: String(taken.port), HOST: '127.0.0.1' }));
      const line = await expectOneLineFailure(server);
      expect(line).toBe(
        `PORT=${taken.port} is already in use on 127.0.0.1: stop what listens on 127.0.0.1:${taken.port} or choose another PORT`,
      );
      expect(server.output()).toBe(`${line}\n`);
      expect(fs.existsSync(dataDir)).toBe(false);
    } finally {
      await taken.close();
    }
  });

  it('EMBEDDED_DB_PORT already in use: one line naming EMBEDDED_DB_PORT', async () => {
    const taken = await occupy('127.0.0.1');
    try {
      const line = await expectOneLineFailure(
        run(SERVER_ENTRY, [], embeddedEnv(path.join(work, 'embedded-port-taken'), { PORT: '0', EMBEDDED_DB_PORT: String(taken.port) })),
      );
      expect(line).toMatch(new RegExp(`^EMBEDDED_DB_PORT=${taken.port} is already in use on 127\\.0\\.0\\.1`));
    } finally {
      await taken.close();
    }
  });

  it('first start logs the generated-key warning in the one JSON format; LOG_LEVEL=silent prints nothing at all', async () => {
    const dataDir = path.join(work, 'first-start');
    const first = await startServer(dataDir, { LOG_LEVEL: 'info' });
    started.push(first);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const lines = first
      .output()
      .split('\n')
      .filter((line) => line !== '');
    // Every line is pino JSON: no coloured Nest text mixed in, the embedded database's line included.
    const notJson = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const records = lines.map((line) => JSON.parse(line) as { level: number; context?: string; msg: string });
    expect(records.find((r) => r.context === 'KeyRing')).toMatchObject({
      level: 40,
      msg: expect.stringContaining('generated a credentials key in'),
    });
    expect(records.some((r) => r.context === 'EmbeddedDatabase' && /ready on/.test(r.msg))).toBe(true);
    expect(records.some((r) => r.context === 'Bootstrap' && /^Listening on/.test(r.msg))).toBe(true);

    const silent = await startServer(dataDir, { LOG_LEVEL: 'silent' });
    started.push(silent);
    silent.child.kill('SIGTERM');
    expect(await silent.exited).toBe(0);
    expect(silent.output()).toBe('');
  });

  describe('migration commands (TypeORM CLI over ormconfig.ts)', () => {
    it('run over a bad server-only variable: tools read only what they use', async () => {
      const show = run(
        TOOL,
        ['-d', 'ormconfig.ts', 'migration:show'],
        embeddedEnv(path.join(work, 'tool-bad-port'), { PORT: 'abc', HEALTH_CHECK_INTERVAL_MS: '1', LOG_LEVEL: 'warn' }),
      );
      expect(await show.exited).toBe(0);
      expect(show.output()).toMatch(/\[ \] CreateAiCredentials1764000000000/);
      expect(show.stderr()).toBe('');
    });

    it('a database that cannot be reached, DATA_DIR a file, a bad LOG_LEVEL: one line each, no stack trace', async () => {
      const file = path.join(work, 'tool-file');
      fs.writeFileSync(file, '');
      const [unreachable, notAFolder, badLevel] = await Promise.all([
        expectOneLineFailure(
          run(
            TOOL,
            ['-d', 'ormconfig.ts', 'migration:show'],
            onPostgres(`postgresql://postgres:${PASSWORD}@127.0.0.1:${closedPort}/registry`),
          ),
        ),
        expectOneLineFailure(run(TOOL, ['-d', 'ormconfig.ts', 'migration:run'], embeddedEnv(file))),
        expectOneLineFailure(run(TOOL, ['-d', 'ormconfig.ts', 'migration:show'], embeddedEnv(work, { LOG_LEVEL: 'loud' }))),
      ]);
      expect(unreachable).toBe(
        `Cannot connect to DATABASE_URL (PostgreSQL at 127.0.0.1:${closedPort}, database "registry", user "postgres"): connection refused (is PostgreSQL running and listening on that port?)`,
      );
      expect(notAFolder).toBe(`DATA_DIR must be a folder for the embedded database, but it is a file (DATA_DIR=${file})`);
      expect(badLevel).toMatch(/^Invalid configuration: LOG_LEVEL must be one of /);
    });
  });
});
