import { performance } from 'node:perf_hooks';
import { RunningPgBouncer, startPgBouncer } from '../test/support/pgbouncer';
import { Instance, OPENAI_KEY, startInstance, stopInstance } from '../test/support/instances';
import { createBenchDatabase } from './support/bench-database';
import { median, table } from './support/load';

const TOGGLES = 200;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** From A's answer to a disable/enable (committed) until B's POST /api/models/select reflects it, polled back to back. */
async function toggles(a: Instance, b: Instance): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < TOGGLES; i++) {
    const disable = i % 2 === 0;
    const answer = await a.api('POST', `/api/providers/openai/${disable ? 'disable' : 'enable'}`);
    if (answer.status !== 200) throw new Error(`toggle answered ${answer.status}`);
    const committed = performance.now();
    for (;;) {
      if (((await b.selectedProvider()) === 'openai') === !disable) break;
      if (performance.now() - committed > 10_000) throw new Error('B never saw the change');
    }
    latencies.push(performance.now() - committed);
  }
  return latencies.sort((x, y) => x - y);
}

/** 4. Cross-instance propagation: disable on A → visible on B, p50/p99 over 200 toggles, directly and through PgBouncer. */
export async function propagationBench(): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const mode of ['direct', 'PgBouncer (transaction pooling)'] as const) {
    const db = await createBenchDatabase(mode === 'direct' ? 'prop' : 'prop_pgb');
    let pgbouncer: RunningPgBouncer | null = null;
    const instances: Instance[] = [];
    try {
      if (mode !== 'direct') pgbouncer = await startPgBouncer(db.url, { poolSize: 4 });
      const options = pgbouncer ? { databaseUrl: pgbouncer.urlFor(db.url), directUrl: db.url } : { databaseUrl: db.url };
      instances.push(await startInstance({ ...options, env: { LOG_LEVEL: 'warn' } }));
      instances.push(await startInstance({ ...options, env: { LOG_LEVEL: 'warn' } }));
      const [a, b] = instances;
      await a.api('POST', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY });
      while ((await b.selectedProvider()) !== 'openai') await new Promise((resolve) => setTimeout(resolve, 20));
      const sorted = await toggles(a, b);
      rows.push([mode, TOGGLES, median(sorted).toFixed(1), percentile(sorted, 0.99).toFixed(1), sorted[sorted.length - 1].toFixed(1)]);
    } finally {
      await Promise.all(instances.map((instance) => stopInstance(instance)));
      await pgbouncer?.stop();
      await db.drop();
    }
  }
  console.log(
    `4. Propagation A → B (A's answer to B's selection, B polled back to back over HTTP)\n` +
      table(['database path', 'toggles', 'p50 ms', 'p99 ms', 'max ms'], rows) +
      '\n',
  );
}
