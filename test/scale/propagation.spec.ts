import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { waitFor } from '../support/server-process';
import { describeOnRealPostgres } from '../support/test-database';
import { MODES, ModeDatabase, openModeDatabase } from './modes';
import { Instance, OPENAI_KEY, listenerPids, median, psql, startInstance, stopInstance } from '../support/instances';

const TOGGLES = 7;
/** The figure: a disable through A is in B's selection within this. */
const PROPAGATION_MS = 200;

describeOnRealPostgres('several instances on one PostgreSQL: change propagation', 'needs real sessions for LISTEN/NOTIFY', () => {
  describe.each(MODES)('%s', (mode) => {
    let database: ModeDatabase;
    let a: Instance;
    let b: Instance;
    let client: Client;
    /** Backend pids of A's LISTEN session, and of B's as it first was. */
    let aListeners: number[] = [];
    let bListener: number[] = [];

    beforeAll(async () => {
      database = await openModeDatabase(mode);
      client = await psql(database.db.url);
      const options = { databaseUrl: database.databaseUrl, directUrl: database.directUrl };
      a = await startInstance(options);
      aListeners = await listenerPids(client);
      b = await startInstance(options);
      bListener = (await listenerPids(client)).filter((pid) => !aListeners.includes(pid));
      expect((await a.api('POST', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY })).status).toBe(201);
      await waitFor('B to see the credential', async () => ((await b.selectedProvider()) === 'openai' ? true : undefined));
    }, 240_000);

    afterAll(async () => {
      await Promise.all([a, b].filter(Boolean).map((instance) => stopInstance(instance)));
      await client?.end().catch(() => undefined);
      await database?.close();
    });

    it(`a disable through A is in B's selection within ${PROPAGATION_MS} ms (median of ${TOGGLES} toggles)`, async () => {
      const latencies: number[] = [];
      for (let i = 0; i < TOGGLES; i++) {
        const disable = i % 2 === 0;
        const response = await a.api('POST', `/api/providers/openai/${disable ? 'disable' : 'enable'}`);
        expect(response.status).toBe(200);
        // From A's answer (the write committed) to B answering with it.
        const committed = performance.now();
        await waitFor(
          `B to see openai ${disable ? 'disabled' : 'enabled'}`,
          async () => (((await b.selectedProvider()) === 'openai') === !disable ? true : undefined),
          10_000,
        );
        latencies.push(performance.now() - committed);
      }
      process.stdout.write(
        `[${mode}] A → B propagation over ${TOGGLES} toggles: ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms (median ${median(latencies).toFixed(0)})\n`,
      );
      // The machine is shared and loaded: one slow toggle says nothing, the median does.
      expect(median(latencies)).toBeLessThanOrEqual(PROPAGATION_MS);
      // An odd number of toggles: openai ends disabled; enable it again for the next test.
      expect((await a.api('POST', '/api/providers/openai/enable')).status).toBe(200);
      await waitFor('B to see openai enabled', async () => ((await b.selectedProvider()) === 'openai' ? true : undefined));
    });

    it("after B's listener is terminated, B reconnects with backoff, resynchronises and converges, a write made meanwhile included", async () => {
      expect(bListener).toHaveLength(1);
      const { rows } = await client.query<{ killed: boolean }>('SELECT pg_terminate_backend($1) AS killed', [bListener[0]]);
      expect(rows[0].killed).toBe(true);
      // Through A while B's listener is down (its first reconnect waits 500 ms): the notification is lost to B.
      expect((await a.api('POST', '/api/providers/openai/disable')).status).toBe(200);
      const written = (await client.query<{ at: Date }>('SELECT clock_timestamp() AS at')).rows[0].at;
      await waitFor(
        'B to resynchronise after reconnecting',
        async () => ((await b.selectedProvider()) !== 'openai' ? true : undefined),
        30_000,
      );
      const lines = b.logs().map((line) => String(line.msg));
      expect(lines.some((msg) => /Change listener connection (lost|closed).*reconnecting/.test(msg))).toBe(true);
      expect(lines.some((msg) => /Change listener reconnected: resynchronising/.test(msg))).toBe(true);
      // The new session delivers notifications again.
      const listeners = await listenerPids(client);
      expect(listeners).toHaveLength(2);
      expect(listeners).not.toContain(bListener[0]);
      // B's new session began after the write had committed: its notification never reached B, the resync brought it.
      const [newListener] = listeners.filter((pid) => !aListeners.includes(pid));
      const { rows: started } = await client.query<{ at: Date }>('SELECT backend_start AS at FROM pg_stat_activity WHERE pid = $1', [
        newListener,
      ]);
      expect(started[0].at.getTime()).toBeGreaterThan(written.getTime());
      expect((await a.api('POST', '/api/providers/openai/enable')).status).toBe(200);
      await waitFor(
        'a notification on the new connection',
        async () => ((await b.selectedProvider()) === 'openai' ? true : undefined),
        10_000,
      );
    });

    if (mode === 'pgbouncer') {
      it('pooled queries go through PgBouncer, the LISTEN sessions straight to PostgreSQL', async () => {
        const name = database.db.url.split('/').pop()!;
        const servers = await database.pgbouncer!.serverPids(name);
        // The instances' pooled queries reached this database through PgBouncer's server connections…
        expect(servers.length).toBeGreaterThan(0);
        expect(database.pgbouncer!.output()).toMatch(new RegExp(`login attempt: db=${name} user=postgres`));
        // …and the sessions that need one of their own are none of them: direct.
        const listeners = await listenerPids(client);
        expect(listeners).toHaveLength(2);
        for (const pid of listeners) expect(servers).not.toContain(pid);
      });

      it("a third instance starting while the migrations' lock is held waits for it on a direct session, then starts", async () => {
        const holder = await psql(database.db.url);
        try {
          await holder.query(`SELECT pg_advisory_lock(hashtextextended('ai-registry:migrations', 0))`);
          const third = startInstance({ databaseUrl: database.databaseUrl, directUrl: database.directUrl });
          const waiting = await waitFor('its lock session to wait', async () => {
            const { rows } = await client.query<{ pid: number }>(
              `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
               AND application_name = 'ai-provider-registry:lock' AND wait_event_type = 'Lock'`,
            );
            return rows[0]?.pid;
          });
          expect(await database.pgbouncer!.serverPids(database.db.url.split('/').pop()!)).not.toContain(waiting);
          await holder.query(`SELECT pg_advisory_unlock(hashtextextended('ai-registry:migrations', 0))`);
          await stopInstance(await third);
        } finally {
          await holder.end();
        }
      }, 120_000);
    }
  });
});
