import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { startEmbeddedSocketServer, type EmbeddedSocketServer } from '../../../src/embedded-postgres/embedded-socket-server';
import { loadPGlite } from '../../support/load-pglite';
import { printFigure } from '../../support/print-figure';

/**
 * Many `pg` clients at once on one PGlite session through our socket layer: every answer must be
 * the one for the client's own parameters, and transactions must not see each other.
 * Independent of TEST_DATABASE_URL: always PGlite, in memory.
 */

const { PGlite: PGliteClass } = loadPGlite();

const QUERY_CLIENTS = 4;
const QUERIES_PER_CLIENT = 2_000;
const TX_CLIENTS = 3;
const TX_PER_CLIENT = 150;
const BIG = 200 * 1024;

function quietLogger() {
  const lines: string[] = [];
  const record = (level: string) => (msg: string) => lines.push(`${level}: ${msg}`);
  return { lines, log: record('log'), warn: record('warn'), error: record('error') };
}

async function connect(port: number, user = 'stress'): Promise<Client> {
  const client = new Client({ host: '127.0.0.1', port, user, password: 'any', database: 'any' });
  client.on('error', () => undefined); // the tests that kill connections look at query results instead
  await client.connect();
  return client;
}

/** One of several statements, each answering with values derived from its own parameters. */
async function checkedQuery(client: Client, c: number, i: number): Promise<boolean> {
  const tag = `c${c}-q${i}`;
  switch (i % 5) {
    case 0: {
      const { rows } = await client.query('SELECT $1::int * 2 AS a, $2::text || $3::text AS b', [i, tag, 'x']);
      return rows.length === 1 && rows[0].a === i * 2 && rows[0].b === `${tag}x`;
    }
    case 1: {
      const { rows } = await client.query('SELECT $2::text AS b, $1::bigint + 7 AS a', [c * 1_000_000 + i, tag]);
      return rows.length === 1 && rows[0].b === tag && rows[0].a === String(c * 1_000_000 + i + 7);
    }
    case 2: {
      const n = (i % 7) + 1;
      const { rows } = await client.query('SELECT g AS n, $2::text AS t FROM generate_series(1, $1::int) AS g ORDER BY g', [n, tag]);
      return rows.length === n && rows.every((row, k) => row.n === k + 1 && row.t === tag);
    }
    case 3: {
      // ~200 KB parameters now and then: they cross many TCP chunks in both directions.
      const text = i % 25 === 3 ? `${tag}:${'y'.repeat(BIG)}` : tag;
      const { rows } = await client.query('SELECT length($1::text) AS len, md5($1::text) AS h, $1::text AS echo', [text]);
      return (
        rows.length === 1 &&
        rows[0].len === text.length &&
        rows[0].h === createHash('md5').update(text).digest('hex') &&
        rows[0].echo === text
      );
    }
    default: {
      const { rows } = await client.query(`SELECT '${tag}' AS lit, $1::text AS p`, [tag.toUpperCase()]);
      return rows.length === 1 && rows[0].lit === tag && rows[0].p === tag.toUpperCase();
    }
  }
}

describe('embedded socket server under load', () => {
  let db: PGlite;
  let server: EmbeddedSocketServer;
  const logger = quietLogger();
  const fatal: Error[] = [];
  const notifications: Array<[string, string]> = [];

  beforeAll(async () => {
    db = new PGliteClass();
    server = await startEmbeddedSocketServer(db, {
      port: 0,
      password: null,
      logger,
      onFatal: (error) => fatal.push(error),
      onNotification: (channel, payload) => notifications.push([channel, payload]),
    });
    await db.exec('CREATE TABLE stress_tx (tx text NOT NULL, doomed boolean NOT NULL)');
    await db.query('LISTEN stress_channel');
  });

  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  afterEach(() => expect(fatal).toEqual([]));

  it('keeps every client on its own answers and transactions apart', async () => {
    const started = Date.now();
    let queries = 0;
    let mismatches = 0;
    const errors: string[] = [];

    const queryClient = async (c: number) => {
      const client = await connect(server.port, `user${c}`);
      try {
        for (let i = 0; i < QUERIES_PER_CLIENT; i++) {
          queries += 1;
          if (!(await checkedQuery(client, c, i).catch((error: Error) => (errors.push(error.message), false)))) mismatches += 1;
        }
      } finally {
        await client.end();
      }
    };

    let committed = 0;
    let foreignSightings = 0;
    const txClient = async (c: number) => {
      const client = await connect(server.port);
      try {
        for (let t = 0; t < TX_PER_CLIENT; t++) {
          const tx = `t${c}-${t}`;
          const doomed = t % 2 === 1;
          await client.query('BEGIN');
          for (let r = 0; r < 3; r++) await client.query('INSERT INTO stress_tx (tx, doomed) VALUES ($1, $2)', [tx, doomed]);
          queries += 4;
          // Inside a transaction a client sees its own rows, and never another's that will be rolled back.
          const { rows } = await client.query(
            'SELECT count(*) FILTER (WHERE tx = $1)::int AS own, count(*) FILTER (WHERE tx <> $1 AND doomed)::int AS foreign FROM stress_tx',
            [tx],
          );
          queries += 1;
          if (rows[0].own !== 3) mismatches += 1;
          foreignSightings += rows[0].foreign;
          if (t % 10 === 5) {
            // A failed transaction ('E') keeps the session too, until its ROLLBACK.
            await expect(client.query('SELECT 1 / (0 * $1::int)', [t])).rejects.toThrow('division by zero');
            queries += 1;
          }
          await client.query(doomed || t % 10 === 5 ? 'ROLLBACK' : 'COMMIT');
          queries += 1;
          if (!doomed && t % 10 !== 5) committed += 1;
        }
      } finally {
        await client.end();
      }
    };

    await Promise.all([
      ...Array.from({ length: QUERY_CLIENTS }, (_, c) => queryClient(c)),
      ...Array.from({ length: TX_CLIENTS }, (_, c) => txClient(c)),
    ]);
    const elapsed = Date.now() - started;

    const totals = await db.query<{ kept: number; doomed: number }>(
      'SELECT count(*) FILTER (WHERE NOT doomed)::int AS kept, count(*) FILTER (WHERE doomed)::int AS doomed FROM stress_tx',
    );
    printFigure(
      `embedded socket stress: ${QUERY_CLIENTS} query clients x ${QUERIES_PER_CLIENT} + ${TX_CLIENTS} transaction clients x ${TX_PER_CLIENT} ` +
        `transactions = ${queries} queries, ${mismatches} mismatches, ${errors.length} errors, ${foreignSightings} foreign rows seen, ` +
        `${elapsed} ms (${Math.round(queries / (elapsed / 1000))} queries/s), ${server.stats().groups} message groups`,
    );
    expect(errors).toEqual([]);
    expect(mismatches).toBe(0);
    expect(foreignSightings).toBe(0);
    expect(totals.rows[0]).toEqual({ kept: committed * 3, doomed: 0 });
    // The server sees each client's close a moment after client.end() resolves.
    for (let i = 0; i < 100 && server.stats().connections > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.stats().connections).toBe(0);
  });

  it('reports a NOTIFY from any connection, from another process and from this one, once each', async () => {
    notifications.length = 0;
    const client = await connect(server.port);
    await client.query(`SELECT pg_notify('stress_channel', 'p')`);
    // Inside a transaction: delivered when it commits.
    await client.query('BEGIN');
    await client.query(`NOTIFY stress_channel, 'in-tx'`);
    expect(notifications).toEqual([['stress_channel', 'p']]);
    await client.query('COMMIT');
    await client.end();

    const script = `const { Client } = require('pg');
      const c = new Client({ host: '127.0.0.1', port: ${server.port}, user: 'other' });
      c.connect().then(() => c.query("SELECT pg_notify('stress_channel', 'from ' || $1)", [String(process.pid)])).then(() => c.end()).catch((e) => { console.error(e); process.exit(1); });`;
    const pid = await new Promise<number>((resolve, reject) => {
      const child = execFile(process.execPath, ['-e', script], (error) => (error ? reject(error) : resolve(child.pid!)));
    });
    await db.query(`NOTIFY stress_channel, 'in-process'`);
    await new Promise((resolve) => setImmediate(resolve));

    expect(notifications).toEqual([
      ['stress_channel', 'p'],
      ['stress_channel', 'in-tx'],
      ['stress_channel', `from ${pid}`],
      ['stress_channel', 'in-process'],
    ]);
  });

  it('rolls back the transaction of a client that dies in it, and lets the waiting client go on', async () => {
    const dying = await connect(server.port);
    const other = await connect(server.port);
    await dying.query('BEGIN');
    await dying.query(`INSERT INTO stress_tx (tx, doomed) VALUES ('dying', true)`);
    // Queued behind the open transaction…
    const waiting = other.query<{ n: number }>(`SELECT count(*)::int AS n FROM stress_tx WHERE tx = 'dying'`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // …until its owner's socket is gone without a word.
    (dying as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();

    expect((await waiting).rows[0].n).toBe(0);
    const { rows } = await other.query<{ open: boolean }>(`SELECT now() <> statement_timestamp() AS open`);
    expect(rows[0].open).toBe(false); // not inside the dead client's transaction
    await other.end();
    expect(logger.lines.some((line) => /closed inside a transaction: rolled back/.test(line))).toBe(true);
  });
});

describe('embedded socket server limits', () => {
  let db: PGlite;

  beforeAll(async () => {
    db = new PGliteClass();
    await db.exec('CREATE TABLE limits (v text NOT NULL)');
  });

  afterAll(async () => {
    await db?.close();
  });

  async function serverWith(limits: { slowGroupWarnMs?: number; idleInTransactionMs?: number }) {
    const logger = quietLogger();
    const fatal: Error[] = [];
    const server = await startEmbeddedSocketServer(db, {
      port: 0,
      password: null,
      logger,
      onFatal: (error) => fatal.push(error),
      ...limits,
    });
    return { server, fatal, logger };
  }

  it('logs a group slower than slowGroupWarnMs and goes on serving', async () => {
    const { server, fatal, logger } = await serverWith({ slowGroupWarnMs: 20 });
    const client = await connect(server.port);
    expect((await client.query(`SELECT pg_sleep(0.2)::text AS slept`)).rows).toEqual([{ slept: '' }]);
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^warn: embedded database connection #1: a group starting with Query: SELECT pg_sleep\(0\.2\)::text AS slept took \d+ ms, and every other connection waited for it \(warning above EMBEDDED_DB_SLOW_WARN_MS=20\)$/,
      ),
    );
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    await server.close();
    expect(fatal).toEqual([]);
  });

  it('rolls back and disconnects a client idle in its transaction while another waits; the waiting client goes on', async () => {
    const { server, fatal, logger } = await serverWith({ idleInTransactionMs: 100 });
    const idle = await connect(server.port);
    const idleErrors: Error[] = [];
    idle.on('error', (error) => idleErrors.push(error));
    const waiting = await connect(server.port);
    await idle.query('BEGIN');
    await idle.query(`INSERT INTO limits VALUES ('left open')`);

    // Queued behind the idle transaction, and answered once it is rolled back.
    expect((await waiting.query(`SELECT count(*)::int AS n FROM limits`)).rows).toEqual([{ n: 0 }]);
    for (let i = 0; i < 100 && idleErrors.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(idleErrors.map((error) => error.message)).toEqual([
      "terminating connection due to idle-in-transaction timeout (100 ms): another connection was waiting for the embedded database's single session",
    ]);
    await expect(idle.query('SELECT 1')).rejects.toThrow();
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^warn: embedded database connection #1 held the session \(open transaction or portal\) in silence for \d+ ms while connection #2 waited: disconnecting it/,
      ),
    );
    expect(logger.lines).toContain('warn: embedded database connection #1 closed inside a transaction: rolled back');

    // Still serving, new connections too, and nothing is left open on the session.
    const late = await connect(server.port);
    expect((await late.query(`SELECT count(*)::int AS n FROM limits`)).rows).toEqual([{ n: 0 }]);
    expect((await waiting.query(`SELECT now() <> statement_timestamp() AS open`)).rows).toEqual([{ open: false }]);
    await late.end();
    await waiting.end();
    await server.close();
    expect(fatal).toEqual([]);
    expect(db.isInTransaction()).toBe(false);
  });
});
