import { ADMIN_TOKEN, Instance, OPENAI_KEY, startInstance, stopInstance } from '../test/support/instances';
import { freePort, runEntry, waitFor } from '../test/support/server-process';
import { createBenchDatabase } from './support/bench-database';
import { LoadResult, load, sideBySide, table, withServerCpu } from './support/load';

const CONNECTIONS = 50;
const SECONDS = 3;
const ROUNDS = 5;
const ANTHROPIC_KEY = 'sk-ant-api03-BenchKeyQwErTyUiOpAsDfGh1234';
const BARE_ENTRY = 'bench/support/bare-route-server.ts';

/** The server on a fresh database, with the bare route, two providers' credentials, request logs at warn. */
export async function benchInstance(
  label: string,
  env: Record<string, string> = {},
): Promise<{ instance: Instance; close(): Promise<void> }> {
  const db = await createBenchDatabase(label);
  const instance = await startInstance({
    databaseUrl: db.url,
    entry: BARE_ENTRY,
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

/** The baseline: a bare NestJS app on Fastify serving the same /bench/bare, in a process of its own. */
async function bareNestOnFastify(): Promise<{ url: string; pid: number; close(): Promise<void> }> {
  const port = await freePort();
  const server = runEntry(BARE_ENTRY, [], { ...process.env, BENCH_SERVER: 'nest-fastify', PORT: String(port), HOST: '127.0.0.1' });
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'the bare NestJS-on-Fastify app',
    async () => {
      if (exitCode !== undefined) throw new Error(`the bare app exited with ${exitCode}:\n${server.output()}`);
      return (await fetch(`${url}/bench/bare`).catch(() => undefined))?.status === 200 ? true : undefined;
    },
    60_000,
  );
  return {
    url,
    pid: server.child.pid!,
    async close() {
      server.child.kill('SIGTERM');
      await server.exited;
    },
  };
}

export const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const SELECT_BODY = { modelType: 'text', operation: 'enrichment' };

/**
 * 1. Our bare route (a constant, through the whole middleware stack) vs the same route in a bare NestJS
 * app on Fastify; GET /api/providers and POST /api/models/select vs our bare route, in the same app.
 */
export async function httpBench(): Promise<void> {
  const nest = await bareNestOnFastify();
  const secured = await benchInstance('http');
  // The same app with AUTH_DISABLED: what the per-request token lookup costs (the "why" of the gap).
  const open = await benchInstance('http_noauth', { AUTH_DISABLED: 'true' });
  try {
    // One figure: autocannon on `url`, with the CPU time of the server process `pid` over it.
    const measured = (pid: number, url: string, method: 'GET' | 'POST', body: unknown, headers: Record<string, string>) => () =>
      withServerCpu(pid, () => load({ url, method, body, headers }, CONNECTIONS, SECONDS));
    const run = (
      instance: Instance,
      path: string,
      method: 'GET' | 'POST' = 'GET',
      body?: unknown,
      headers: Record<string, string> = AUTH,
    ) => measured(instance.child.pid!, `${instance.url}${path}`, method, body, headers);
    const nestRun = (method: 'GET' | 'POST', body?: unknown) => measured(nest.pid, `${nest.url}/bench/bare`, method, body, {});
    for (const url of [nest.url, secured.instance.url, open.instance.url]) await load({ url: `${url}/bench/bare` }, CONNECTIONS, SECONDS); // warm-up
    const results: Record<string, LoadResult> = await sideBySide(
      {
        'bare NestJS on Fastify: GET /bench/bare': nestRun('GET'),
        'bare NestJS on Fastify: POST /bench/bare': nestRun('POST', SELECT_BODY),
        'GET /bench/bare (constant)': run(secured.instance, '/bench/bare', 'GET', undefined, {}),
        'POST /bench/bare (same JSON body)': run(secured.instance, '/bench/bare', 'POST', SELECT_BODY, {}),
        'GET /bench/raw (outside the API stack)': run(secured.instance, '/bench/raw', 'GET', undefined, {}),
        'GET /api/providers': run(secured.instance, '/api/providers'),
        'POST /api/models/select': run(secured.instance, '/api/models/select', 'POST', SELECT_BODY),
        'GET /api/providers, AUTH_DISABLED': run(open.instance, '/api/providers', 'GET', undefined, {}),
        'POST /api/models/select, AUTH_DISABLED': run(open.instance, '/api/models/select', 'POST', SELECT_BODY, {}),
      },
      ROUNDS,
    );
    const ratio = (name: string, route: string, over: string, target: number) => {
      const percent = (results[route].rps / results[over].rps) * 100;
      // Capacity per core: how many of `route` one core answers for each of `over`.
      const byCpu = (results[over].cpuMicros! / results[route].cpuMicros!) * 100;
      const verdict = `target ≥ ${target} %${percent >= target ? '' : ', MISSED'}`;
      return `${name.padEnd(52)} ${percent.toFixed(0).padStart(4)} %  (${verdict}); by CPU per request ${byCpu.toFixed(0)} %`;
    };
    const bare = 'GET /bench/bare (constant)';
    console.log(
      `1. HTTP, autocannon ${CONNECTIONS} connections, median of ${ROUNDS} interleaved ${SECONDS} s rounds, one instance each, LOG_LEVEL=warn;\n` +
        `   CPU µs/req: the server process's CPU time (/proc) over the requests of a round, median round\n` +
        table(
          ['route', 'req/s', 'p50 ms', 'p99 ms', 'vs bare', 'CPU µs/req', 'failed'],
          Object.entries(results).map(([route, r]) => [
            route,
            r.rps,
            r.p50,
            r.p99,
            `${((r.rps / results[bare].rps) * 100).toFixed(0)} %`,
            r.cpuMicros!.toFixed(1),
            r.failed,
          ]),
        ) +
        '\n\n' +
        [
          ratio('our bare route ÷ bare NestJS on Fastify', bare, 'bare NestJS on Fastify: GET /bench/bare', 60),
          // A POST beside the bare POST with the same JSON body (reading it is most of a small request's cost); the GET too.
          ratio('POST /api/models/select ÷ our bare POST route', 'POST /api/models/select', 'POST /bench/bare (same JSON body)', 70),
          ratio('POST /api/models/select ÷ our bare GET route', 'POST /api/models/select', bare, 70),
          ratio('GET /api/providers ÷ our bare route', 'GET /api/providers', bare, 50),
        ].join('\n') +
        '\n',
    );
  } finally {
    await nest.close();
    await secured.close();
    await open.close();
  }
}
