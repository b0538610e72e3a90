import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Pool } from 'pg';
import { ConfigModule } from '../src/config/config.module';
import { loadConfig } from '../src/config/load-config';
import { providersOptionsFromConfig } from '../src/config/providers-options';
import { COORDINATION, Coordination } from '../src/registry/kernel/coordination';
import { DatabaseModule } from '../src/database/database.module';
import { ProvidersModule } from '../src/registry/providers.module';
import { UsageService } from '../src/registry/usage/usage.service';
import { TEST_KEY_1 } from '../test/support/registry-app';
import { runBounded } from '../src/common/run-bounded';
import { Instance, psql, startInstance, stopInstance } from '../test/support/instances';
import { AUTH } from './http';
import { createBenchDatabase } from './support/bench-database';
import { table } from './support/load';

const RECORDS = 20_000;
const CALLERS = 50;

/** The module in this process, as a host app runs it: record() is an in-memory add, flush() one transaction. */
async function inProcess(url: string): Promise<INestApplicationContext> {
  const config = loadConfig({
    DATABASE_URL: url,
    CREDENTIALS_KEYS: `k1:${TEST_KEY_1}`,
    HEALTH_CHECK_INTERVAL_MS: '0',
    USAGE_FLUSH_MS: '600000',
  });
  const target = { kind: 'postgres' as const, url, description: 'bench', viaOwner: false, close: async () => undefined };
  const app = await NestFactory.createApplicationContext(
    {
      module: class UsageBenchModule {},
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(target),
        ProvidersModule.forRootAsync({
          inject: [COORDINATION],
          useFactory: (coordination: Coordination) => providersOptionsFromConfig(config, coordination),
        }),
      ],
    },
    { logger: false, abortOnError: false },
  );
  await app.init();
  return app;
}

interface UsageRun {
  name: string;
  seconds: number;
  counted: number;
}

/** 3. Counting 20,000 usage records with 50 concurrent callers: POST /api/usage batches vs one UPDATE … + 1 per record. */
export async function usageBench(): Promise<void> {
  const db = await createBenchDatabase('usage');
  let instance: Instance | undefined;
  const pool = new Pool({ connectionString: db.url, max: CALLERS });
  try {
    instance = await startInstance({ databaseUrl: db.url, env: { LOG_LEVEL: 'warn', USAGE_FLUSH_MS: '600000' } });
    const client = await psql(db.url);
    const count = async () =>
      Number((await client.query(`SELECT usage_count::text AS n FROM provider_configs WHERE provider = 'openai'`)).rows[0].n);
    const runs: UsageRun[] = [];
    const timed = async (name: string, work: () => Promise<unknown>) => {
      const before = await count();
      const started = performance.now();
      await work();
      runs.push({ name, seconds: (performance.now() - started) / 1000, counted: (await count()) - before });
    };

    await timed('one UPDATE usage_count = usage_count + 1 per record', () =>
      runBounded(
        Array.from({ length: RECORDS }, (_, i) => i),
        CALLERS,
        () => pool.query(`UPDATE provider_configs SET usage_count = usage_count + 1, last_used_at = now() WHERE provider = 'openai'`),
      ),
    );
    for (const size of [100, 1000]) {
      let key = 0;
      await timed(`POST /api/usage, batches of ${size}`, () =>
        runBounded(
          Array.from({ length: RECORDS / size }, () => key++),
          CALLERS,
          async (n) => {
            const response = await fetch(`${instance!.url}/api/usage`, {
              method: 'POST',
              headers: { ...AUTH, 'content-type': 'application/json', 'idempotency-key': `bench-${size}-${n}` },
              body: JSON.stringify({ records: Array.from({ length: size }, () => ({ provider: 'openai' })) }),
            });
            if (response.status !== 200) throw new Error(`POST /api/usage answered ${response.status}: ${await response.text()}`);
          },
        ),
      );
    }
    const host = await inProcess(db.url);
    const usage = host.get(UsageService);
    await timed('in process: UsageService.record(), then one flush', async () => {
      await runBounded(
        Array.from({ length: RECORDS }, (_, i) => i),
        CALLERS,
        async () => usage.record('openai'),
      );
      await usage.flush();
    });
    await host.close();
    await client.end();
    const baseline = runs[0];
    console.log(
      `3. Usage: ${RECORDS.toLocaleString('en-US')} records for one provider, ${CALLERS} concurrent callers, one instance\n` +
        table(
          ['path', 'seconds', 'records/s', 'counted', 'vs per-record UPDATE'],
          runs.map((run) => [
            run.name,
            run.seconds.toFixed(2),
            RECORDS / run.seconds,
            run.counted,
            `${(baseline.seconds / run.seconds).toFixed(1)}x`,
          ]),
        ) +
        '\n',
    );
  } finally {
    await pool.end();
    if (instance) await stopInstance(instance);
    await db.drop();
  }
}
