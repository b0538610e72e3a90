import { ADMIN_TOKEN, Instance, OPENAI_KEY, startInstance, stopInstance } from '../test/support/instances';
import { createBenchDatabase } from './support/bench-database';
import { LoadResult, load, sideBySide, table } from './support/load';

const CONNECTIONS = 50;
const SECONDS = 3;
const ROUNDS = 5;
const ANTHROPIC_KEY = 'sk-ant-api03-BenchKeyQwErTyUiOpAsDfGh1234';

/** The server on a fresh database, with the bare route, two providers' credentials, request logs at warn. */
export async function benchInstance(
  label: string,
  env: Record<string, string> = {},
): Promise<{ instance: Instance; close(): Promise<void> }> {
  const db = await createBenchDatabase(label);
  const instance = await startInstance({
    databaseUrl: db.url,
    entry: 'bench/support/bare-route-server.ts',
    env: { LOG_LEVEL: 'warn', ...env },
  });
  await instance.api('POST', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY });
  await instance.api('POST', '/api/providers/anthropic/credentials', { apiKey: ANTHROPIC_KEY });
  return {
    instance,
    async close() {
      await stopInstance(instance);
      await db.drop();
    },
  };
}

export const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const SELECT_BODY = { modelType: 'text', operation: 'enrichment' };

/** 1. GET /api/providers and POST /api/models/select vs a bare route returning a constant, in the same app. */
export async function httpBench(): Promise<void> {
  const secured = await benchInstance('http');
  // The same app with AUTH_DISABLED: what the per-request token lookup costs (the "why" of the gap).
  const open = await benchInstance('http_noauth', { AUTH_DISABLED: 'true' });
  try {
    const run =
      (instance: Instance, path: string, method: 'GET' | 'POST' = 'GET', body?: unknown, headers: Record<string, string> = AUTH) =>
      () =>
        load({ url: `${instance.url}${path}`, method, body, headers }, CONNECTIONS, SECONDS);
    for (const instance of [secured.instance, open.instance]) await run(instance, '/bench/bare', 'GET', undefined, {})(); // warm-up
    const results: Record<string, LoadResult> = await sideBySide(
      {
        'GET /bench/bare (constant)': run(secured.instance, '/bench/bare', 'GET', undefined, {}),
        'POST /bench/bare (same JSON body)': run(secured.instance, '/bench/bare', 'POST', SELECT_BODY, {}),
        'GET /api/providers': run(secured.instance, '/api/providers'),
        'POST /api/models/select': run(secured.instance, '/api/models/select', 'POST', SELECT_BODY),
        'GET /api/providers, AUTH_DISABLED': run(open.instance, '/api/providers', 'GET', undefined, {}),
        'POST /api/models/select, AUTH_DISABLED': run(open.instance, '/api/models/select', 'POST', SELECT_BODY, {}),
      },
      ROUNDS,
    );
    const bare = results['GET /bench/bare (constant)'].rps;
    console.log(
      `1. HTTP, autocannon ${CONNECTIONS} connections, median of ${ROUNDS} interleaved ${SECONDS} s rounds, one instance each, LOG_LEVEL=warn\n` +
        table(
          ['route', 'req/s', 'p50 ms', 'p99 ms', 'vs bare', 'failed'],
          Object.entries(results).map(([route, r]) => [route, r.rps, r.p50, r.p99, `${((r.rps / bare) * 100).toFixed(0)} %`, r.failed]),
        ) +
        '\n',
    );
  } finally {
    await secured.close();
    await open.close();
  }
}
