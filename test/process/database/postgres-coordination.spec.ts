import * as path from 'node:path';
import { Client } from 'pg';
import { LockLostError } from '../../../src/registry/kernel/coordination';
import { PostgresCoordination } from '../../../src/database/coordination/postgres-coordination';
import { captureLogs } from '../../support/log-capture';
import { freePort, runEntry, waitFor } from '../../support/server-process';
import { TestDatabase, createTestDatabase, describeOnRealPostgres } from '../../support/test-database';
import { TEST_DATABASE_URL, databaseNameOf, withDatabase } from '../../support/test-env';

describeOnRealPostgres(
  PostgresCoordination.name,
  'it needs sessions of its own (advisory locks, LISTEN) that pg_terminate_backend can cut; the embedded database uses EmbeddedCoordination',
  () => {
    let db: TestDatabase;
    let dbName: string;
    /** On this test's database: notifies, and sees its sessions. */
    let admin: Client;
    /** On the server's main test database: switches connections to this test's database on and off. */
    let server: Client;
    const opened: PostgresCoordination[] = [];

    function coordination(url = db.url): PostgresCoordination {
      const c = new PostgresCoordination(url, { reconnect: { initialMs: 50, maxMs: 400 } });
      opened.push(c);
      return c;
    }

    /** Ends this test database's sessions of one kind (`…:listen`, `…:lock`); returns how many. */
    async function terminate(applicationName: string): Promise<number> {
      const { rows } = await admin.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`,
        [dbName, applicationName],
      );
      return rows.length;
    }

    /** Until one of our lock sessions holds an advisory lock (so terminating it cuts a held lock). */
    async function waitForHeldLock(): Promise<void> {
      await waitFor(
        'a held advisory lock',
        async () => {
          const { rows } = await admin.query(
            `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
           WHERE l.locktype = 'advisory' AND l.granted AND s.application_name = 'ai-provider-registry:lock' AND s.datname = $1`,
            [dbName],
          );
          return rows[0].n === 1 ? true : undefined;
        },
        5000,
      );
    }

    async function notify(channel: string, payload: string): Promise<void> {
      await admin.query('SELECT pg_notify($1, $2)', [channel, payload]);
    }

    async function allowConnections(allow: boolean): Promise<void> {
      await server.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS ${allow}`);
    }

    beforeEach(async () => {
      db = await createTestDatabase({ migrated: false });
      dbName = databaseNameOf(db.url);
      admin = new Client({ connectionString: db.url });
      await admin.connect();
      server = new Client({ connectionString: TEST_DATABASE_URL });
      await server.connect();
    });

    afterEach(async () => {
      await allowConnections(true);
      await Promise.all(opened.splice(0).map((c) => c.close()));
      await Promise.all([admin.end(), server.end()]);
      await db.drop();
    });

    describe('subscribe()', () => {
      it('rejects when its listener cannot connect, instead of resolving with delivery dead, and keeps nothing registered', async () => {
        const closedPort = await freePort();
        const unreachable = coordination(`postgresql://postgres@127.0.0.1:${closedPort}/nowhere_test`);
        await expect(unreachable.subscribe('c1', () => undefined)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

        const missingDatabase = coordination(withDatabase(db.url, `${dbName}_missing`));
        await expect(missingDatabase.subscribe('c1', () => undefined)).rejects.toMatchObject({ code: '3D000' });
        // Nothing left behind: no listener session was kept, no reconnect is pending, close() is immediate.
        await Promise.all([unreachable.close(), missingDatabase.close()]);
      });

      it('resolves only once LISTEN is live: a notification sent right after it resolves is delivered', async () => {
        const c = coordination();
        const seen: string[] = [];
        await c.subscribe('c2', (payload) => seen.push(payload));
        await notify('c2', 'first');
        // A second channel on the live session gets its own LISTEN before resolving.
        const other: string[] = [];
        await c.subscribe('c3', (payload) => other.push(payload));
        await notify('c3', 'second');
        await waitFor('both notifications', () => (seen.length === 1 && other.length === 1 ? true : undefined), 5000);
        expect(seen).toEqual(['first']);
        expect(other).toEqual(['second']);
      });

      it('after pg_terminate_backend of the listener: reconnects, calls handlers with an empty payload, delivers again', async () => {
        const c = coordination();
        const seen: string[] = [];
        await c.subscribe('c4', (payload) => seen.push(payload));
        await notify('c4', 'before');
        await waitFor('the first notification', () => (seen.includes('before') ? true : undefined), 5000);

        for (let round = 1; round <= 3; round++) {
          expect(await terminate('ai-provider-registry:listen')).toBe(1);
          await waitFor(`resync call ${round}`, () => (seen.filter((p) => p === '').length === round ? true : undefined), 10_000);
          await notify('c4', `after-${round}`);
          await waitFor(`notification after reconnect ${round}`, () => (seen.includes(`after-${round}`) ? true : undefined), 5000);
        }
        expect(seen).toEqual(['before', '', 'after-1', '', 'after-2', '', 'after-3']);
      });

      it('while the database refuses connections it retries with a growing backoff, then recovers', async () => {
        const logs = captureLogs();
        try {
          const c = coordination();
          const seen: string[] = [];
          await c.subscribe('c5', (payload) => seen.push(payload));
          await allowConnections(false);
          const cut = performance.now();
          expect(await terminate('ai-provider-registry:listen')).toBe(1);
          // Backoff 50, 100, 200, 400, 400 … ms: over 1.5 s at most 7 attempts fit (a fixed 50 ms retry would make ~30),
          // so the 8th failed attempt comes later than 1.5 s after the cut: wait for it, then look at the clock.
          const failures = () =>
            logs.lines.filter((l) => l.startsWith('warn:') && l.includes('Change listener could not reconnect')).length;
          await waitFor('the 8th failed reconnect', () => (failures() >= 8 ? true : undefined), 15_000);
          expect(performance.now() - cut).toBeGreaterThanOrEqual(1500);
          expect(seen).toEqual([]);

          await allowConnections(true);
          await waitFor('the listener to come back', () => (seen.includes('') ? true : undefined), 10_000);
          await notify('c5', 'back');
          await waitFor('delivery after recovery', () => (seen.includes('back') ? true : undefined), 5000);
          expect(seen).toEqual(['', 'back']);
        } finally {
          logs.restore();
        }
      });

      it('never keeps a process alive by itself: with the database gone, a process that only subscribed exits', async () => {
        const child = runEntry(path.join('test', 'process', 'database', 'fixtures', 'subscribe-then-idle.ts'), [db.url], process.env);
        try {
          await waitFor('the child to subscribe', () => (child.output().includes('subscribed') ? true : undefined), 30_000);
          await allowConnections(false);
          expect(await terminate('ai-provider-registry:listen')).toBe(1);
          // A ref'd reconnect timer would retry forever and this would time out.
          const code = await Promise.race([
            child.exited,
            new Promise<'alive'>((resolve) => setTimeout(() => resolve('alive'), 15_000).unref()),
          ]);
          expect(code).toBe(0);
        } finally {
          child.child.kill('SIGKILL');
        }
      });
    });

    describe('withLock()', () => {
      it('excludes other holders and returns the result when the session lasts', async () => {
        const [a, b] = [coordination(), coordination()];
        const order: string[] = [];
        let releaseA!: () => void;
        const aHolds = new Promise<void>((resolve) => (releaseA = resolve));
        const first = a.withLock('k1', async () => {
          order.push('a start');
          await aHolds;
          order.push('a end');
          return 'a';
        });
        await waitFor('a to hold the lock', () => (order.length === 1 ? true : undefined), 5000);
        const second = b.withLock('k1', async () => {
          order.push('b start');
          return 'b';
        });
        // b is queued on the advisory lock (its session shows as waiting), not running.
        await waitFor(
          'b to wait for the lock',
          async () => {
            const { rows } = await admin.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND application_name = 'ai-provider-registry:lock'`,
              [dbName],
            );
            return rows[0].n === 1 ? true : undefined;
          },
          5000,
        );
        expect(order).toEqual(['a start']);
        releaseA();
        expect(await first).toBe('a');
        expect(await second).toBe('b');
        expect(order).toEqual(['a start', 'a end', 'b start']);
      });

      it('when its session is terminated mid-callback: the callback sees the abort, and withLock rejects with LockLostError', async () => {
        const a = coordination();
        let signal!: AbortSignal;
        let release!: () => void;
        const done = new Promise<void>((resolve) => (release = resolve));
        const holding = a.withLock('k2', async (s) => {
          signal = s;
          await done;
          return 'finished';
        });
        await waitForHeldLock();
        expect(await terminate('ai-provider-registry:lock')).toBe(1);
        await waitFor('the abort signal', () => (signal.aborted ? true : undefined), 5000);
        expect(signal.reason).toBeInstanceOf(LockLostError);

        // The exclusion really is gone: another instance takes the lock while the first callback still runs.
        const b = coordination();
        expect(await b.withLock('k2', async () => 'b ran meanwhile')).toBe('b ran meanwhile');

        release();
        await expect(holding).rejects.toBeInstanceOf(LockLostError);
        await expect(holding).rejects.toMatchObject({ code: 'LOCK_LOST', key: 'k2' });
      });

      it('a callback that fails because it saw the lock go reports LockLostError with its own error as cause', async () => {
        const a = coordination();
        const holding = a.withLock(
          'k3',
          (signal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped early')))),
        );
        // Caught from the start: it rejects as soon as the session drops, possibly before terminate() returns.
        const outcome = holding.catch((e: unknown) => e);
        await waitForHeldLock();
        expect(await terminate('ai-provider-registry:lock')).toBe(1);
        const error = await outcome;
        expect(error).toBeInstanceOf(LockLostError);
        expect((error as LockLostError).cause).toEqual(new Error('stopped early'));
      });
    });
  },
);
