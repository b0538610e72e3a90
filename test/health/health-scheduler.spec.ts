import { HealthScheduler } from '../../src/providers/health/health-scheduler.service';
import { HealthService } from '../../src/providers/health/health.service';
import type { SweepResult } from '../../src/providers/health/health.types';
import { writeCatalogVariant } from '../support/catalog-files';
import { FakeProvider, FakeProviderServer } from '../support/fake-provider-server';
import { captureLogs } from '../support/log-capture';
import { RegistryContext, startRegistry } from '../support/registry-app';
import { TestDatabase, createTestDatabase, describeOnRealPostgres } from '../support/test-database';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

interface Instance {
  registry: RegistryContext;
  scheduler: HealthScheduler;
  health: HealthService;
  /** Ticks this instance's timer fired (claimed or not). */
  ticks: () => number;
}

describeOnRealPostgres(
  HealthScheduler.name,
  'several instances need sessions of their own on one database; the embedded database is one session',
  () => {
    const fake = new FakeProviderServer();
    let ollama: FakeProvider;
    let catalogPath: string;
    let db: TestDatabase;
    let instances: Instance[] = [];

    beforeAll(async () => {
      await fake.start();
      // The only provider probed (no key needed); the keyed ones have no credential and are skipped as unknown.
      ollama = fake.add('ollama', { kind: 'ollama', models: ['llama3.1:latest', 'qwen2.5:latest', 'nomic-embed-text:latest', 'mxbai-embed-large:latest'] });
      catalogPath = writeCatalogVariant((doc) => {
        doc.providers.ollama.base_url = ollama.baseUrl;
      });
    });

    afterAll(() => fake.close());

    beforeEach(async () => {
      db = await createTestDatabase();
      ollama.setMode('ok');
    });

    afterEach(async () => {
      jest.restoreAllMocks();
      await Promise.all(instances.map((i) => i.registry.close()));
      instances = [];
      await db.drop();
    });

    /** Boots an instance on the shared test database; `autoStart: false` leaves its schedule to the test. */
    async function boot(env: Record<string, string>, options: { autoStart: boolean }): Promise<Instance> {
      const start = options.autoStart ? null : jest.spyOn(HealthScheduler.prototype, 'start').mockImplementation(() => undefined);
      let registry: RegistryContext;
      try {
        registry = await startRegistry(db, { CATALOG_PATH: catalogPath, ...env });
      } finally {
        start?.mockRestore();
      }
      const scheduler = registry.get(HealthScheduler);
      const tick = jest.spyOn(scheduler, 'tick'); // calls through; counts the timer's ticks
      const instance = { registry, scheduler, health: registry.get(HealthService), ticks: () => tick.mock.calls.length };
      instances.push(instance);
      return instance;
    }

    /** Polls until ollama has `n` history rows (a sweep's writes land a little after its claim). */
    async function waitForRows(n: number, timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while ((await checkTimes()).length < n) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${n} history rows`);
        await sleep(10);
      }
    }

    async function checkTimes(): Promise<number[]> {
      const rows: Array<{ t: Date }> = await instances[0].registry.dataSource.query(
        `SELECT h.checked_at AS t FROM provider_health_checks h JOIN provider_configs p ON p.id = h.provider_config_id
         WHERE p.provider = 'ollama' ORDER BY h.checked_at`,
      );
      return rows.map((r) => r.t.getTime());
    }

    it('three instances on one database, started 330 ms apart: one sweep per interval in total, not one each', async () => {
      const env = { HEALTH_CHECK_INTERVAL_MS: '1000' };
      const [a, b, c] = [await boot(env, { autoStart: false }), await boot(env, { autoStart: false }), await boot(env, { autoStart: false })];
      const requestsBefore = ollama.requests().length;

      // Ticks due at 0, 1000, …, 5000 ms from a's start; the window closes at 5600 ms.
      const t0 = performance.now();
      a.scheduler.start();
      await sleep(t0 + 330 - performance.now());
      b.scheduler.start();
      await sleep(t0 + 660 - performance.now());
      c.scheduler.start();
      await sleep(t0 + 5600 - performance.now());
      // close() stops the timers and waits for a sweep in flight, so the counts are final.
      await Promise.all([a, b, c].map((i) => i.registry.close()));

      const sweeps = [a, b, c].map((i) => i.scheduler.sweeps);
      const ticks = [a, b, c].map((i) => i.ticks());
      const total = sweeps.reduce((x, y) => x + y, 0);
      const dataSource = await db.dataSource();
      const [{ n: rows }] = await dataSource.query(`SELECT count(*)::int AS n FROM provider_health_checks`);
      const [{ n: providers }] = await dataSource.query(`SELECT count(*)::int AS n FROM provider_configs WHERE enabled`);
      const times: Array<{ t: Date }> = await dataSource.query(
        `SELECT h.checked_at AS t FROM provider_health_checks h JOIN provider_configs p ON p.id = h.provider_config_id
         WHERE p.provider = 'ollama' ORDER BY h.checked_at`,
      );
      const gaps = times.slice(1).map((r, i) => r.t.getTime() - times[i].t.getTime());
      const probeStarts = ollama.requests().slice(requestsBefore).map((r) => r.receivedAt);
      const probeGaps = probeStarts.slice(1).map((t, i) => t - probeStarts[i]);
      const [run] = await dataSource.query(`SELECT * FROM scheduler_runs WHERE name = 'health'`);
      console.log(
        `3 instances × ~5.6 s at HEALTH_CHECK_INTERVAL_MS=1000: ${total} sweeps in total (per instance ${sweeps.join('/')}), ` +
          `${ticks.reduce((x, y) => x + y, 0)} ticks (per instance ${ticks.join('/')}), ${rows} history rows, gaps between sweeps' writes ${gaps.join(', ')} ms, between their probes ${probeGaps.join(', ')} ms`,
      );

      // Every instance was live and ticking about once a second (≈ 17 ticks)...
      expect(ticks[0]).toBeGreaterThanOrEqual(5);
      expect(ticks[1]).toBeGreaterThanOrEqual(5);
      expect(ticks[2]).toBeGreaterThanOrEqual(4);
      // ...yet only one sweep ran per interval: 6 ± 1, not 18.
      expect(total).toBeGreaterThanOrEqual(5);
      expect(total).toBeLessThanOrEqual(7);
      // The database agrees: each sweep wrote one row per enabled provider and probed ollama once.
      expect(rows).toBe(total * providers);
      expect(times).toHaveLength(total);
      expect(ollama.requests().length - requestsBefore).toBe(total);
      // No two sweeps in one interval: two instances sweeping the same interval would show up as a
      // gap of ~330 ms. (A claim needs 950 ms since the last one; probe start times add a little jitter.)
      expect(Math.min(...probeGaps)).toBeGreaterThan(800);
      expect(Math.min(...gaps)).toBeGreaterThan(600);
      expect(run).toMatchObject({ last_started_at: expect.any(Date), last_finished_at: expect.any(Date), started_by: expect.any(String) });
    });

    it('a sweep stuck or killed mid-way does not block the next interval: another instance sweeps, and shutdown of the stuck one is bounded', async () => {
      const env = { HEALTH_CHECK_INTERVAL_MS: '1000', HEALTH_TIMEOUT_MS: '300' };
      const [a, b] = [await boot(env, { autoStart: false }), await boot(env, { autoStart: false })];
      // a claims the interval and then never finishes its sweep (a wedged or dying instance), until cancelled.
      let aborted = false;
      const stuck = jest.spyOn(a.health, 'checkAll').mockImplementation(
        (signal?: AbortSignal) =>
          new Promise<SweepResult>((resolve) => {
            signal?.addEventListener('abort', () => {
              aborted = true;
              resolve({ startedAt: new Date(), durationMs: 0, results: [], errors: [] });
            });
          }),
      );

      const t0 = performance.now();
      a.scheduler.start();
      await sleep(t0 + 330 - performance.now());
      b.scheduler.start();
      await waitFor(() => b.scheduler.sweeps >= 1, 2500, 'instance b to sweep');
      const takeover = performance.now() - t0;
      // a claimed at 0; b's ticks at 330 (interval not over) failed; its tick at ~1330 took the next interval.
      expect(stuck).toHaveBeenCalledTimes(1);
      expect(a.scheduler.sweeps).toBe(1);
      expect(takeover).toBeGreaterThan(1000);
      expect(takeover).toBeLessThan(1800);

      await waitFor(() => b.scheduler.sweeps >= 2, 1500, 'instance b to sweep the interval after');
      expect(a.scheduler.sweeps).toBe(1); // a skipped its own ticks while stuck, and claimed nothing
      expect(a.ticks()).toBeGreaterThanOrEqual(2);
      // Only b's sweeps wrote history (a's never got that far).
      await waitForRows(2, 1000);
      expect(await checkTimes()).toHaveLength(2);

      // Shutting the stuck instance down waits HEALTH_TIMEOUT_MS + 1000 ms, then cancels the sweep.
      const closing = performance.now();
      await a.registry.close();
      const closeMs = performance.now() - closing;
      console.log(`close() of an instance with a stuck sweep took ${Math.round(closeMs)} ms (grace 1300 ms)`);
      expect(aborted).toBe(true);
      expect(closeMs).toBeGreaterThanOrEqual(1300 - 20);
      expect(closeMs).toBeLessThan(2500);

      // b keeps the schedule alone.
      const bSweeps = b.scheduler.sweeps;
      await waitFor(() => b.scheduler.sweeps > bSweeps, 1500, 'instance b to keep sweeping');
    });

    it('a failing database or provider never kills the scheduler: the next tick runs', async () => {
      const logs = captureLogs();
      try {
        const one = await boot({ HEALTH_CHECK_INTERVAL_MS: '300' }, { autoStart: false });
        const dataSource = one.registry.dataSource;
        // Tick 1: the claim succeeds, then the sweep fails outright (the database went away mid-sweep).
        const checkAll = jest.spyOn(one.health, 'checkAll').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
        // Tick 2: the claim itself fails.
        const realQuery = dataSource.query.bind(dataSource);
        let claims = 0;
        jest.spyOn(dataSource, 'query').mockImplementation(async (...args: Parameters<typeof dataSource.query>) => {
          if (args[0].includes('INSERT INTO scheduler_runs') && ++claims === 2) throw new Error('could not connect to server: Connection refused');
          return realQuery(...args);
        });
        // Ticks 3+: the provider answers 500 (degraded, then unhealthy); the schedule goes on.
        ollama.setMode('server_error');

        one.scheduler.start();
        await waitFor(() => one.scheduler.sweeps >= 3, 3000, 'three claimed sweeps');
        await waitFor(() => one.scheduler.sweeps >= 3 && checkAll.mock.calls.length >= 3, 1000, 'the third sweep to run');
        // Let the sweep in flight finish before reading.
        await one.registry.close();

        const failures = logs.lines.filter((l) => l.includes('Health sweep failed'));
        expect(failures[0]).toMatch(/Connection terminated unexpectedly/);
        expect(failures[1]).toMatch(/Connection refused/);
        expect(failures).toHaveLength(2);
        const succeeded = logs.lines.filter((l) => /Health sweep: \d+ provider/.test(l));
        expect(succeeded.length).toBeGreaterThanOrEqual(2);
        expect(one.ticks()).toBeGreaterThanOrEqual(4);
        expect(claims).toBeGreaterThanOrEqual(4);
        // The sweeps after the failures probed and recorded the failing provider.
        const rows: Array<{ status: string }> = await (await db.dataSource()).query(
          `SELECT h.status FROM provider_health_checks h JOIN provider_configs p ON p.id = h.provider_config_id
           WHERE p.provider = 'ollama' ORDER BY h.id`,
        );
        expect(rows.map((r) => r.status).slice(0, 2)).toEqual(['degraded', 'unhealthy']);
      } finally {
        logs.restore();
      }
    });

    it('starts from the app bootstrap, and close() waits for a sweep in flight, which completes its writes', async () => {
      ollama.setMode({ type: 'slow', delayMs: 700 });
      const before = ollama.requests().length;
      const one = await boot({ HEALTH_CHECK_INTERVAL_MS: '60000', HEALTH_TIMEOUT_MS: '3000' }, { autoStart: true });
      // Nobody called start(): ProvidersBootstrap did, and the first tick sweeps at once.
      await waitFor(() => ollama.requests().length > before, 2000, 'the first sweep to reach the slow provider');
      expect(one.scheduler.sweeps).toBe(1);
      const probe = ollama.requests()[ollama.requests().length - 1];
      expect(probe.closedAt).toBeNull();

      const closing = performance.now();
      await one.registry.close();
      const closeMs = performance.now() - closing;
      console.log(`close() during a 700 ms probe took ${Math.round(closeMs)} ms`);
      // It returned only after the slow answer arrived and the sweep wrote it.
      expect(probe.answered).toBe(true);
      expect(probe.closedAt).not.toBeNull();
      expect(closeMs).toBeLessThan(3000 + 1000); // bounded by the grace period
      const dataSource = await db.dataSource();
      const [row] = await dataSource.query(
        `SELECT h.status, h.latency_ms FROM provider_health_checks h JOIN provider_configs p ON p.id = h.provider_config_id WHERE p.provider = 'ollama'`,
      );
      expect(row).toMatchObject({ status: 'healthy' });
      expect(row.latency_ms).toBeGreaterThanOrEqual(650);
      const [run] = await dataSource.query(`SELECT last_started_at, last_finished_at FROM scheduler_runs WHERE name = 'health'`);
      expect(run.last_finished_at.getTime()).toBeGreaterThanOrEqual(run.last_started_at.getTime());
      // No tick after shutdown.
      const requests = ollama.requests().length;
      await sleep(200);
      expect(ollama.requests()).toHaveLength(requests);
    });
  },
);
