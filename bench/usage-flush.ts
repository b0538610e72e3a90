import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { UsageService } from '../src/registry/usage/usage.service';
import { TEST_KEY_1 } from '../test/support/registry-app';
import { createBenchDatabase } from './support/bench-database';
import { bootRegistry, migrate } from './support/bench-registry';
import { median, table } from './support/load';

const RECORDS = 20_000;
const ROUNDS = 5;
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-5'];
const KEYS = 1000;

interface Shape {
  name: string;
  record: (usage: UsageService, i: number) => void;
}

/** What a flush carries grows with the distinct rows recorded, not with the records: the same 20,000 records spread ever wider. */
const SHAPES: Shape[] = [
  { name: 'one provider, no model, no key', record: (usage) => usage.record('openai') },
  {
    name: `${MODELS.length} models`,
    record: (usage, i) => usage.record('openai', { model: MODELS[i % MODELS.length], inputTokens: 100, outputTokens: 20 }),
  },
  {
    name: `${MODELS.length} models × ${KEYS.toLocaleString('en-US')} consumer keys`,
    record: (usage, i) =>
      usage.record('openai', {
        model: MODELS[i % MODELS.length],
        inputTokens: 100,
        outputTokens: 20,
        consumerKeyId: String(1 + (Math.floor(i / MODELS.length) % KEYS)),
      }),
  },
];

/**
 * The usage flush in process (UsageService.record() × 20,000, then one flush): what record() costs on the
 * caller's path, and the flush's time as the daily rows it writes grow; median of 5 rounds per shape,
 * rounds interleaved.
 */
export async function usageFlushBench(): Promise<void> {
  const db = await createBenchDatabase('flush');
  await migrate(db.url);
  const host = await bootRegistry(db.url, { CREDENTIALS_KEYS: `k1:${TEST_KEY_1}` });
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const usage = host.get(UsageService);
    const dailyRows = async () => Number((await client.query(`SELECT count(*)::text AS n FROM usage_daily`)).rows[0].n);
    const times = new Map<string, number[]>();
    const records = new Map<string, number[]>();
    const rows = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const shape of SHAPES) {
        await client.query('TRUNCATE usage_daily');
        const recording = performance.now();
        for (let i = 0; i < RECORDS; i++) shape.record(usage, i);
        records.set(shape.name, [...(records.get(shape.name) ?? []), performance.now() - recording]);
        const started = performance.now();
        await usage.flush();
        times.set(shape.name, [...(times.get(shape.name) ?? []), performance.now() - started]);
        rows.set(shape.name, await dailyRows());
      }
    }
    console.log(
      `Usage flush (flush): ${RECORDS.toLocaleString('en-US')} records by UsageService.record(), then one flush (median of ${ROUNDS})\n` +
        table(
          ['records spread over', 'record() µs each', 'usage_daily rows', 'flush ms', 'records flushed/s'],
          SHAPES.map((shape) => {
            const ms = median(times.get(shape.name)!);
            const each = (median(records.get(shape.name)!) * 1000) / RECORDS;
            return [shape.name, each.toFixed(2), rows.get(shape.name)!, ms.toFixed(1), (RECORDS / ms) * 1000];
          }),
        ) +
        '\n',
    );
  } finally {
    await client.end();
    await host.close();
    await db.drop();
  }
}
