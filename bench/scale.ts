import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Instance, startInstance, stopInstance } from '../test/support/instances';
import { AUTH, SELECT_BODY } from './http';
import { createBenchDatabase } from './support/bench-database';
import { cpuSecondsOf } from './support/process-cpu';
import { load, sideBySide, table } from './support/load';
import { OPENAI_KEY } from '../test/support/instances';

const CONNECTIONS = 50;
/** How many cores the instances and this process (the load generator) kept busy while `run` ran. */
async function coresBusy(pids: number[], run: () => Promise<unknown>): Promise<{ servers: number; generator: number }> {
  const servers = () => pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
  const generator = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const [s0, g0, t0] = [servers(), generator(), performance.now()];
  await run();
  const seconds = (performance.now() - t0) / 1000;
  return { servers: (servers() - s0) / seconds, generator: (generator() - g0) / seconds };
}
const SECONDS = 3;
const ROUNDS = 5;

/** 2. POST /api/models/select on two instances vs one, behind the same load generator, on one database. */
export async function scaleBench(): Promise<void> {
  const db = await createBenchDatabase('scale');
  const instances: Instance[] = [];
  try {
    const envs: Record<string, string>[] = [{}, {}, { AUTH_DISABLED: 'true' }, { AUTH_DISABLED: 'true' }];
    for (const env of envs) {
      instances.push(await startInstance({ databaseUrl: db.url, env: { LOG_LEVEL: 'warn', ...env } }));
    }
    await instances[0].api('POST', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY });
    const select = (targets: Instance[], headers: Record<string, string>) => () =>
      load(
        { url: targets.map((instance) => `${instance.url}/api/models/select`), method: 'POST', body: SELECT_BODY, headers },
        CONNECTIONS,
        SECONDS,
      );
    await select(instances, AUTH)(); // warm-up
    // Two instances can only scale onto cores nobody else (the load generator included) is using.
    const machine = `${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} before the run`;
    const [a, b, openA, openB] = instances;
    const results = await sideBySide(
      {
        'one instance': select([a], AUTH),
        'two instances': select([a, b], AUTH),
        'one instance, AUTH_DISABLED': select([openA], {}),
        'two instances, AUTH_DISABLED': select([openA, openB], {}),
      },
      ROUNDS,
    );
    // Where the CPU went in one more round of each: with every core busy, a second instance has nowhere to run.
    const busy: string[] = [];
    for (const [name, targets, headers] of [
      ['one instance', [a], AUTH],
      ['two instances', [a, b], AUTH],
    ] as const) {
      const cores = await coresBusy(
        targets.map((instance) => instance.child.pid!),
        select([...targets], headers),
      );
      busy.push(`${name}: instances ${cores.servers.toFixed(2)} + autocannon ${cores.generator.toFixed(2)} cores busy`);
    }
    const ratio = (two: string, one: string) =>
      `${(results[two as keyof typeof results].rps / results[one as keyof typeof results].rps).toFixed(2)}x`;
    console.log(
      `2. POST /api/models/select, one autocannon (${CONNECTIONS} connections spread over the instances), median of ${ROUNDS} interleaved ${SECONDS} s rounds\n` +
        table(
          ['instances', 'req/s', 'p50 ms', 'p99 ms', 'failed'],
          Object.entries(results).map(([name, r]) => [name, r.rps, r.p50, r.p99, r.failed]),
        ) +
        `\n   scale-up: ${ratio('two instances', 'one instance')} with tokens, ${ratio('two instances, AUTH_DISABLED', 'one instance, AUTH_DISABLED')} without (${machine})\n   ${busy.join('; ')}\n`,
    );
  } finally {
    await Promise.all(instances.map((instance) => stopInstance(instance)));
    await db.drop();
  }
}
