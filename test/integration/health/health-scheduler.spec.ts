import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { HealthScheduler } from '../../../src/registry/health/active/health-scheduler.service';
import { HealthService } from '../../../src/registry/health/active/health.service';
import { RegistryJobs } from '../../../src/registry/jobs/registry-jobs';
import type { SchedulerRunRepository } from '../../../src/registry/health/active/scheduler-run.repository';
import type { SweepResult } from '../../../src/registry/health/active/health.types';
import { DEFAULT_REGISTRY_SETTINGS } from '../../../src/registry/kernel/registry-settings';
import { writeCatalogVariant } from '../../support/catalog-files';
import { FakeProvider, FakeProviderServer } from '../../support/fake-provider-server';
import { captureLogs } from '../../support/log-capture';
import { RegistryContext, startRegistry } from '../../support/registry-app';
import { TestDatabase, createTestDatabase, describeOnRealPostgres } from '../../support/test-database';
import { printFigure } from '../../support/print-figure';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Polls until `condition` holds; the timeout only bounds a test that is already failing. */
async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

const CLAIM_SQL = 'INSERT INTO scheduler_runs';
const EMPTY_SWEEP: SweepResult = { startedAt: new Date(0), durationMs: 0, results: [], errors: [] };

describe(`${HealthScheduler.name} timing, on a fake clock`, () => {
  const INTERVAL = 60_000;
  let claims: number;

  /** A scheduler over a database that grants every claim, counting the claims it makes, and its timer. */
  function scheduler(): HealthScheduler & { jobs: RegistryJobs } {
    claims = 0;
    const runs = {
      claimInterval: jest.fn(async () => {
        claims++;
        return true;
      }),
      markFinished: jest.fn(async () => undefined),
    } as unknown as SchedulerRunRepository;
    const health = { checkAll: jest.fn(async () => EMPTY_SWEEP), pruneHistory: jest.fn(async () => 0) } as unknown as HealthService;
    const settings = { ...DEFAULT_REGISTRY_SETTINGS, healthCheckIntervalMs: INTERVAL };
    const s = new HealthScheduler(settings, runs, health);
    return Object.assign(s, {
      jobs: new RegistryJobs(
        settings,
        new SchedulerRegistry(),
        s,
        null as never,
        null as never,
        null as never,
        null as never,
        null as never,
        null as never,
      ),
    });
  }

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    // Fakes Date and the timers; performance.now is faked too but jest.setSystemTime leaves it alone,
    // which is what a wall-clock step does to the monotonic clock.
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('keeps sweeping once per interval when the wall clock steps back 10 minutes', async () => {
    const s = scheduler();
    s.jobs.startHealthSweep();
    await jest.advanceTimersByTimeAsync(0);
    expect(claims).toBe(1);
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(claims).toBe(2);

    jest.setSystemTime(Date.now() - 10 * 60_000);
    for (let expected = 3; expected <= 6; expected++) {
      await jest.advanceTimersByTimeAsync(INTERVAL);
      expect(claims).toBe(expected);
    }
    expect(s.sweeps).toBe(6);
    s.jobs.beforeApplicationShutdown();
    await s.beforeApplicationShutdown();
  });

  it('sends no burst of catch-up claims when the wall clock steps forward 6 hours', async () => {
    const s = scheduler();
    s.jobs.startHealthSweep();
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(claims).toBe(2);

    jest.setSystemTime(Date.now() + 6 * 3600_000);
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(claims).toBe(3);
    await jest.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(claims).toBe(8);
    s.jobs.beforeApplicationShutdown();
    await s.beforeApplicationShutdown();
  });

  it('leaves no timer behind at shutdown', async () => {
    const s = scheduler();
    s.jobs.startHealthSweep();
    await jest.advanceTimersByTimeAsync(INTERVAL);
    s.jobs.beforeApplicationShutdown();
    await s.beforeApplicationShutdown();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(claims).toBe(2);
  });
});

interface Instance {
  registry: RegistryContext;
  scheduler: HealthScheduler;
  jobs: RegistryJobs;
  health: HealthService;
  /** Ticks this instance's timer fired (claimed or not). */
  ticks: () => number;
  /** Claim statements this instance sent, and the database-clock start of each one it won. */
  claims: { sent: number; won: number[] };
  /** Set to make this instance's next claim statements fail (a database that went away). */
  failClaim?: (attempt: number) => Error | null;
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
      ollama = fake.add('ollama', {
        kind: 'ollama',
        models: ['llama3.1:latest', 'qwen2.5:latest', 'nomic-embed-text:latest', 'mxbai-embed-large:latest'],
      });
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
      const start = options.autoStart ? null : jest.spyOn(RegistryJobs.prototype, 'startHealthSweep').mockImplementation(() => undefined);
      let registry: RegistryContext;
      try {
        registry = await startRegistry(db, { CATALOG_PATH: catalogPath, ...env });
      } finally {
        start?.mockRestore();
      }
      const scheduler = registry.get(HealthScheduler);
      const tick = jest.spyOn(scheduler, 'tick'); // calls through; counts the timer's ticks
      const instance: Instance = {
        registry,
        scheduler,
        jobs: registry.get(RegistryJobs),
        health: registry.get(HealthService),
        ticks: () => tick.mock.calls.length,
        claims: { sent: 0, won: [] },
      };
      // Calls through too, recording each claim and when (on the database clock) a won one started.
      const dataSource = registry.dataSource;
      const query = dataSource.query.bind(dataSource);
      jest.spyOn(dataSource, 'query').mockImplementation(async (...args: Parameters<typeof dataSource.query>) => {
        if (!args[0].includes(CLAIM_SQL)) return query(...args);
        instance.claims.sent++;
        const failure = instance.failClaim?.(instance.claims.sent);
        if (failure) throw failure;
        const rows: Array<{ last_started_at: Date }> = await query(...args);
        if (rows.length === 1) instance.claims.won.push(rows[0].last_started_at.getTime());
        return rows;
      });
      instances.push(instance);
      return instance;
    }

    async function checkTimes(): Promise<number[]> {
      const rows: Array<{ t: Date }> = await (
        await db.dataSource()
      ).query(
        `SELECT h.checked_at AS t FROM provider_health_checks h JOIN provider_configs p ON p.id = h.provider_config_id
         WHERE p.provider = 'ollama' ORDER BY h.checked_at`,
      );
      return rows.map((r) => r.t.getTime());
    }

    /** Every won claim across instances, in order, on the database clock. */
    const wonClaims = (list: Instance[]) => list.flatMap((i) => i.claims.won).sort((a, b) => a - b);

    it('three instances on one database, started 330 ms apart: one sweep per interval in total, not one each', async () => {
      const env = { HEALTH_CHECK_INTERVAL_MS: '1000' };
      const all = [await boot(env, { autoStart: false }), await boot(env, { autoStart: false }), await boot(env, { autoStart: false })];
      const [a, b, c] = all;
      const requestsBefore = ollama.requests().length;

      // The 330 ms are the scenario (three phases a third of an interval apart), not a wait before counting:
      // the counts below follow the won claims waited for and close(), which waits for a sweep in flight.
      a.jobs.startHealthSweep();
      await sleep(330);
      b.jobs.startHealthSweep();
      await sleep(330);
      c.jobs.startHealthSweep();
      const SWEEPS = 6;
      await waitFor(() => wonClaims(all).length >= SWEEPS, 30_000, `${SWEEPS} sweeps in total`);
      // close() stops the timers and waits for a sweep in flight, so the counts are final.
      await Promise.all(all.map((i) => i.registry.close()));

      const sweeps = all.map((i) => i.scheduler.sweeps);
      const total = sweeps.reduce((x, y) => x + y, 0);
      const claims = wonClaims(all);
      const sent = all.reduce((n, i) => n + i.claims.sent, 0);
      const dataSource = await db.dataSource();
      const [{ n: rows }] = await dataSource.query(`SELECT count(*)::int AS n FROM provider_health_checks`);
      const [{ n: providers }] = await dataSource.query(`SELECT count(*)::int AS n FROM provider_configs WHERE enabled`);
      const gaps = claims.slice(1).map((t, i) => t - claims[i]);
      printFigure(
        `3 instances at HEALTH_CHECK_INTERVAL_MS=1000: ${total} sweeps (per instance ${sweeps.join('/')}) from ${sent} claims sent ` +
          `(${all.map((i) => i.ticks()).join('/')} ticks); gaps between won claims on the database clock ${gaps.join(', ')} ms`,
      );

      // Each sweep is a won claim, and the database granted no two claims within one interval
      // (interval − 5 % tolerance = 950 ms; timestamps are truncated to the ms).
      expect(claims).toHaveLength(total);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(949);
      // All three were ticking and asking, so most claims were refused: one sweep per interval, not one each.
      expect(all.every((i) => i.claims.sent >= 2)).toBe(true);
      expect(sent - total).toBeGreaterThanOrEqual(total);
      // The database agrees: each sweep wrote one row per enabled provider and probed ollama once.
      expect(rows).toBe(total * providers);
      expect(await checkTimes()).toHaveLength(total);
      expect(ollama.requests().length - requestsBefore).toBe(total);
      const [run] = await dataSource.query(`SELECT * FROM scheduler_runs WHERE name = 'health'`);
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
              resolve(EMPTY_SWEEP);
            });
          }),
      );

      a.jobs.startHealthSweep();
      await waitFor(() => stuck.mock.calls.length === 1, 10_000, 'instance a to claim and get stuck');
      b.jobs.startHealthSweep();
      await waitFor(() => b.scheduler.sweeps >= 2, 20_000, 'instance b to sweep two intervals');
      // b took over at the next interval the database granted, and kept the schedule.
      const [aClaim] = a.claims.won;
      expect(a.claims.won).toHaveLength(1);
      expect(b.claims.won[0] - aClaim).toBeGreaterThanOrEqual(949);
      expect(b.claims.won[1] - b.claims.won[0]).toBeGreaterThanOrEqual(949);
      // a skipped its own ticks while stuck (no claim sent while its sweep runs), and claimed nothing more.
      expect(a.ticks()).toBeGreaterThanOrEqual(2);
      expect(a.claims.sent).toBe(1);
      expect(a.scheduler.sweeps).toBe(1);
      // Only b's sweeps wrote history (a's never got that far); a sweep counts before it writes.
      await waitFor(async () => (await checkTimes()).length >= 2, 10_000, 'two history rows');
      expect((await checkTimes()).length).toBeLessThanOrEqual(b.scheduler.sweeps);

      // Shutting the stuck instance down waits HEALTH_TIMEOUT_MS + 1000 ms, then cancels the sweep.
      const logs = captureLogs();
      try {
        const closing = performance.now();
        await a.registry.close();
        const closeMs = performance.now() - closing;
        printFigure(`close() of an instance with a stuck sweep took ${Math.round(closeMs)} ms (grace 1300 ms)`);
        expect(aborted).toBe(true);
        expect(closeMs).toBeGreaterThanOrEqual(1300 - 20); // it did wait the grace period first
        expect(
          logs.lines.filter(
            (l) => l.startsWith('warn:') && l.includes('Health sweep still running after 1300 ms at shutdown: cancelling it'),
          ),
        ).toHaveLength(1);
      } finally {
        logs.restore();
      }

      // b keeps the schedule alone.
      const bSweeps = b.scheduler.sweeps;
      await waitFor(() => b.scheduler.sweeps > bSweeps, 10_000, 'instance b to keep sweeping');
    });

    it('a failing database or provider never kills the scheduler: the next tick runs', async () => {
      const logs = captureLogs();
      try {
        const one = await boot({ HEALTH_CHECK_INTERVAL_MS: '1000' }, { autoStart: false });
        // Tick 1: the claim succeeds, then the sweep fails outright (the database went away mid-sweep).
        const checkAll = jest.spyOn(one.health, 'checkAll').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
        // Tick 2: the claim itself fails.
        one.failClaim = (attempt) => (attempt === 2 ? new Error('could not connect to server: Connection refused') : null);
        // Ticks 3+: the provider answers 500 (degraded, then unhealthy); the schedule goes on.
        ollama.setMode('server_error');

        one.jobs.startHealthSweep();
        await waitFor(() => checkAll.mock.calls.length >= 3, 30_000, 'the third claimed sweep to start');
        // Let the sweep in flight finish before reading.
        await one.registry.close();

        const failures = logs.lines.filter((l) => l.startsWith('error:') && l.includes('Health sweep failed'));
        expect(failures[0]).toMatch(/Connection terminated unexpectedly/);
        expect(failures[1]).toMatch(/Connection refused/);
        expect(failures).toHaveLength(2);
        const succeeded = logs.lines.filter((l) => l.startsWith('log:') && /Health sweep: \d+ provider/.test(l));
        expect(succeeded.length).toBeGreaterThanOrEqual(2);
        expect(one.ticks()).toBeGreaterThanOrEqual(4);
        expect(one.claims.sent).toBeGreaterThanOrEqual(4);
        // The sweeps after the failures probed and recorded the failing provider.
        const rows: Array<{ status: string }> = await (
          await db.dataSource()
        ).query(
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
      const timers = one.registry.get(SchedulerRegistry);
      // Nobody called startHealthSweep(): ProvidersBootstrap did, and the first tick sweeps at once.
      await waitFor(() => ollama.requests().length > before, 10_000, 'the first sweep to reach the slow provider');
      expect(one.scheduler.sweeps).toBe(1);
      const probe = ollama.requests()[ollama.requests().length - 1];
      expect(probe.closedAt).toBeNull();

      await one.registry.close();
      // It returned only after the slow answer arrived and the sweep wrote it.
      expect(probe.answered).toBe(true);
      expect(probe.closedAt).not.toBeNull();
      const dataSource = await db.dataSource();
      const [row] = await dataSource.query(
        `SELECT h.status, h.latency_ms FROM provider_health_checks h JOIN provider_configs p ON p.id = h.provider_config_id WHERE p.provider = 'ollama'`,
      );
      expect(row).toMatchObject({ status: 'healthy' });
      expect(row.latency_ms).toBeGreaterThanOrEqual(650);
      const [run] = await dataSource.query(`SELECT last_started_at, last_finished_at FROM scheduler_runs WHERE name = 'health'`);
      expect(run.last_finished_at.getTime()).toBeGreaterThanOrEqual(run.last_started_at.getTime());
      // No tick can follow shutdown: the scheduler's timer is gone.
      expect(timers.getTimeouts()).toEqual([]);
      expect(one.ticks()).toBe(1);
    });
  },
);
