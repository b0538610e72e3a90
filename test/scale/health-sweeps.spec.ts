import type { Client } from 'pg';
import { FakeProvider, FakeProviderServer } from '../support/fake-provider-server';
import { waitFor } from '../support/server-process';
import { describeOnRealPostgres } from '../support/test-database';
import { MODES, ModeDatabase, openModeDatabase } from './modes';
import { Instance, OPENAI_KEY, psql, startInstance, stopInstance } from '../support/instances';

const INTERVAL_MS = 1000;

/** Which process ran the job's last claimed interval, and when it started (database clock). */
async function lastClaim(client: Client): Promise<{ pid: number; startedAt: number } | null> {
  const { rows } = await client.query<{ started_by: string; started_at: Date }>(
    `SELECT started_by, last_started_at AS started_at FROM scheduler_runs WHERE name = 'health'`,
  );
  if (rows.length === 0) return null;
  // HealthScheduler's instance id is host:pid:random.
  return { pid: Number(rows[0].started_by.split(':').at(-2)), startedAt: rows[0].started_at.getTime() };
}

const sweepLines = (instance: Instance) => instance.logs().filter((line) => /^Health sweep/.test(String(line.msg)));

describeOnRealPostgres('several instances on one PostgreSQL: health sweeps', 'needs several real sessions', () => {
  describe.each(MODES)('%s', (mode) => {
    let database: ModeDatabase;
    let client: Client;
    let fakes: FakeProviderServer;
    let openai: FakeProvider;
    let instances: Instance[] = [];

    beforeAll(async () => {
      fakes = new FakeProviderServer();
      await fakes.start();
      openai = fakes.add('openai', { kind: 'openai', apiKey: OPENAI_KEY, models: ['gpt-4o'], mode: { type: 'slow', delayMs: 300 } });
      database = await openModeDatabase(mode);
      client = await psql(database.db.url);
      const options = {
        databaseUrl: database.databaseUrl,
        directUrl: database.directUrl,
        env: { HEALTH_CHECK_INTERVAL_MS: String(INTERVAL_MS) },
      };
      instances = await Promise.all([startInstance(options), startInstance(options), startInstance(options)]);
      // One provider to probe, on the fake server; the keyless ones would probe whatever their catalog URL is.
      for (const provider of ['ollama', 'anthropic', 'openrouter']) {
        expect((await instances[0].api('POST', `/api/providers/${provider}/disable`)).status).toBe(200);
      }
      expect(
        (await instances[0].api('POST', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY, baseUrl: openai.baseUrl })).status,
      ).toBe(201);
      await waitFor('the first probe', () => (openai.requests().length > 0 ? true : undefined), 30_000);
    }, 240_000);

    afterAll(async () => {
      await Promise.all(instances.map((instance) => stopInstance(instance)));
      await client?.end().catch(() => undefined);
      await database?.close();
      await fakes?.close();
    });

    it('three instances run exactly one sweep per interval between them', async () => {
      const from = Date.now();
      const linesBefore = instances.map((instance) => sweepLines(instance).length);
      const probesBefore = openai.requests().length;
      // Six sweeps' probes (one provider: one probe per sweep), waited for instead of slept through.
      const SWEEPS = 6;
      const probes = await waitFor(
        `${SWEEPS} sweeps`,
        () => {
          const since = openai
            .requests()
            .slice(probesBefore)
            .filter((request) => request.receivedAt >= from);
          return since.length >= SWEEPS ? since.slice(0, SWEEPS) : undefined;
        },
        SWEEPS * INTERVAL_MS * 5,
      );
      const lastProbe = probes[SWEEPS - 1];
      // Let the last counted sweep finish and log (its line comes after its probe) before counting lines.
      await waitFor(
        'the last counted sweep to log',
        () => (instances.flatMap(sweepLines).some((line) => Number(line.time) >= lastProbe.receivedAt) ? true : undefined),
        10_000,
      );
      const gaps = probes.slice(1).map((request, i) => request.receivedAt - probes[i].receivedAt);
      const swept = instances.map((instance, i) => sweepLines(instance).length - linesBefore[i]);
      const span = lastProbe.receivedAt - probes[0].receivedAt;
      process.stdout.write(
        `[${mode}] 3 instances, ${probes.length} sweeps in ${lastProbe.receivedAt - from} ms, by instance ${swept.join('/')}, gaps ${gaps.join(', ')} ms\n`,
      );
      // Once per interval: neither two in one interval (the claim) nor intervals left out (a loaded machine may delay one):
      // at least 4 and at most 7 sweeps per 6 intervals, as rates over the six sweeps waited for.
      expect(lastProbe.receivedAt - from).toBeLessThanOrEqual((SWEEPS * 6 * INTERVAL_MS) / 4);
      expect(span).toBeGreaterThanOrEqual(((SWEEPS - 1) * 6 * INTERVAL_MS) / 7);
      for (const gap of gaps) expect(gap).toBeGreaterThan(INTERVAL_MS / 2);
      // Each sweep is one log line with its counts, on the instance that ran it.
      expect(swept.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(probes.length - 1);
      expect(swept.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(probes.length + 1);
      const lastLine = instances
        .flatMap(sweepLines)
        .sort((x, y) => Number(x.time) - Number(y.time))
        .at(-1);
      expect(lastLine).toMatchObject({ level: 30, sweep: { providers: 1, healthy: 1, degraded: 0, unhealthy: 0, unknown: 0, errors: 0 } });
      // The first probe's verdict was a transition, logged once, by the instance that recorded it.
      const transitions = instances.flatMap((instance) => instance.logs()).filter((line) => /^Health of openai: /.test(String(line.msg)));
      expect(transitions).toEqual([
        expect.objectContaining({
          msg: 'Health of openai: unknown → healthy',
          health: { provider: 'openai', from: 'unknown', to: 'healthy', reason: null },
        }),
      ]);
    });

    it('when the instance running the sweep is killed mid-sweep, the next interval is still claimed and swept by another', async () => {
      // Sweeps now last longer than half an interval, so a kill lands inside one.
      openai.setMode({ type: 'slow', delayMs: 800 });
      const sweeping = await waitFor(
        'a sweep in flight',
        () => {
          const last = openai.requests().at(-1);
          return last && last.closedAt === null ? last : undefined;
        },
        30_000,
      );
      const claim = await lastClaim(client);
      const victim = instances.find((instance) => instance.child.pid === claim?.pid);
      expect(victim).toBeDefined();
      victim!.child.kill('SIGKILL');
      await victim!.exited;
      const killedAt = Date.now();
      const survivors = instances.filter((instance) => instance !== victim);
      const survivorLines = survivors.map((instance) => sweepLines(instance).length);

      const next = await waitFor(
        'the next interval claimed by a survivor',
        async () => {
          const current = await lastClaim(client);
          return current && current.startedAt > claim!.startedAt && current.pid !== claim!.pid ? current : undefined;
        },
        30_000,
      );
      expect(survivors.map((instance) => instance.child.pid)).toContain(next.pid);
      // The killed sweep's interval is not claimed twice, and the one after it is not left out.
      expect(next.startedAt - claim!.startedAt).toBeGreaterThanOrEqual(INTERVAL_MS - 50);
      expect(next.startedAt - claim!.startedAt).toBeLessThan(3 * INTERVAL_MS);
      await waitFor('a probe of the new sweep', () =>
        openai.requests().some((r) => r.receivedAt > sweeping.receivedAt + INTERVAL_MS / 2) ? true : undefined,
      );
      await waitFor(
        "the survivor's sweep line",
        () => (survivors.some((instance, i) => sweepLines(instance).length > survivorLines[i]) ? true : undefined),
        30_000,
      );
      process.stdout.write(
        `[${mode}] killed pid ${claim!.pid} mid-sweep; pid ${next.pid} claimed the next interval ${next.startedAt - claim!.startedAt} ms later (${Date.now() - killedAt} ms after the kill)\n`,
      );
      instances = survivors;
    });
  });
});
