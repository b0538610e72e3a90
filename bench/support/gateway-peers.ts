/**
 * The three ways `npm run bench -- gateway` calls the same fake OpenAI upstream, each its own process on
 * loopback: the fake itself (direct), the Portkey gateway (the npm package, headless), and ours (the
 * built server, `node dist/main.js`, on a fresh database with the catalog's `openai` pointed at the fake
 * and a consumer key). Each is a `GatewayPeer`: where to POST a chat completion, with which headers and
 * model, and its process id (for its memory).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADMIN_TOKEN } from '../../test/support/instances';
import { TEST_KEY_1 } from '../../test/support/registry-app';
import { REPO_ROOT, RunningProcess, embeddedEnv, freePort, waitFor } from '../../test/support/server-process';
import { benchDatabaseReachable, createBenchDatabase } from './bench-database';
import type { FakeUpstreamStats } from './fake-openai-server';

export interface GatewayPeer {
  name: string;
  /** POST /v1/chat/completions of this peer. */
  url: string;
  headers: Record<string, string>;
  model: string;
  /** The Authorization header the fake upstream must see from this peer (the key it was meant to send). */
  upstreamAuthorization: string;
  pid: number;
  /** Null while it runs; once it has exited, how, with the tail of its output (to say why a figure failed). */
  death(): string | null;
  close(): Promise<void>;
}

/** Output kept per process: enough for a start-up failure, bounded however long the bench runs. */
const OUTPUT_TAIL = 64 * 1024;

/**
 * A `node` child with exactly these arguments (no ts-node unless asked for: the gateways' memory and
 * start are their own), its output kept as a bounded tail however long the bench runs.
 */
function runNode(args: string[], env: NodeJS.ProcessEnv): RunningProcess {
  let output = '';
  let stderr = '';
  const tail = (text: string, chunk: string) => (text + chunk).slice(-OUTPUT_TAIL);
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk) => (output = tail(output, String(chunk))));
  child.stderr!.on('data', (chunk) => {
    output = tail(output, String(chunk));
    stderr = tail(stderr, String(chunk));
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, stderr: () => stderr, exited };
}

/** Null while `proc` runs, else its exit code or signal and the tail of its output. */
function death(proc: RunningProcess): string | null {
  const { exitCode, signalCode } = proc.child;
  if (exitCode === null && signalCode === null) return null;
  return `exited (${signalCode ?? `code ${exitCode}`}); its output ended:\n${proc.output().slice(-4000)}`;
}

/** SIGTERM, then SIGKILL after `ms`; resolves once it has exited. */
async function stop(proc: RunningProcess, ms = 30_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), ms);
  await proc.exited;
  clearTimeout(timer);
}

/** Waits for `url` to answer `status`, failing at once (with its output) if the process exits first. */
async function waitUntilUp(what: string, proc: RunningProcess, url: string, status = 200, timeoutMs = 90_000): Promise<void> {
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => (exitCode = code));
  await waitFor(
    what,
    async () => {
      if (exitCode !== undefined) throw new Error(`${what} exited with ${exitCode}:\n${proc.output()}`);
      return (await fetch(url).catch(() => undefined))?.status === status ? true : undefined;
    },
    timeoutMs,
  );
}

/** Resident memory of a process in MiB (Linux /proc), NaN where that is not available. */
export function rssMiB(pid: number): number {
  try {
    const kB = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kB === undefined ? NaN : Number(kB) / 1024;
  } catch {
    return NaN;
  }
}

export interface FakeUpstream extends GatewayPeer {
  /** What a gateway is configured with: the fake's `/v1`. */
  baseUrl: string;
  stats(): Promise<FakeUpstreamStats>;
}

/** A bench script through ts-node in a process of its own, once it printed `listening <port>`. */
async function startScript(what: string, entry: string, env: NodeJS.ProcessEnv): Promise<{ proc: RunningProcess; origin: string }> {
  const proc = runNode(['-r', 'ts-node/register/transpile-only', entry], { ...process.env, ...env, PORT: '0' });
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => (exitCode = code));
  const port = await waitFor(what, () => {
    if (exitCode !== undefined) throw new Error(`${what} exited with ${exitCode}:\n${proc.output()}`);
    const match = /^listening (\d+)$/m.exec(proc.output());
    return match ? Number(match[1]) : undefined;
  });
  return { proc, origin: `http://127.0.0.1:${port}` };
}

/** The fake OpenAI upstream (bench/support/fake-openai-server.ts) in a process of its own. */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const { proc, origin } = await startScript('the fake upstream', 'bench/support/fake-openai-server.ts', {});
  return {
    name: 'direct',
    url: `${origin}/v1/chat/completions`,
    baseUrl: `${origin}/v1`,
    headers: { authorization: 'Bearer sk-fake-direct-0123456789' },
    model: 'gpt-4o-mini',
    upstreamAuthorization: 'Bearer sk-fake-direct-0123456789',
    pid: proc.child.pid!,
    death: () => death(proc),
    stats: async () => (await fetch(`${origin}/bench/stats`)).json() as Promise<FakeUpstreamStats>,
    close: () => stop(proc),
  };
}

export const FLOOR_KEY = 'sk-fake-floor-0123456789abcdef';

/** The floor: a bare Fastify + undici pass-through to the fake (bench/support/passthrough-server.ts). */
export async function startFloor(upstreamBaseUrl: string): Promise<GatewayPeer> {
  const { proc, origin } = await startScript('the pass-through floor', 'bench/support/passthrough-server.ts', {
    UPSTREAM_BASE_URL: upstreamBaseUrl,
  });
  return {
    name: 'floor',
    url: `${origin}/v1/chat/completions`,
    headers: { authorization: `Bearer ${FLOOR_KEY}` },
    model: 'gpt-4o-mini',
    upstreamAuthorization: `Bearer ${FLOOR_KEY}`,
    pid: proc.child.pid!,
    death: () => death(proc),
    close: () => stop(proc),
  };
}

const PORTKEY_ENTRY = 'node_modules/@portkey-ai/gateway/build/start-server.js';
export const PORTKEY_KEY = 'sk-fake-portkey-0123456789abcdef';

/**
 * The Portkey gateway as its README starts it, headless, on a free port (it listens on every
 * interface; we call it on 127.0.0.1), told per request to use OpenAI at the fake's `/v1`.
 */
export async function startPortkey(upstreamBaseUrl: string): Promise<GatewayPeer> {
  const port = await freePort();
  const proc = runNode([PORTKEY_ENTRY, `--port=${port}`, '--headless'], { ...process.env, NODE_ENV: 'production' });
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilUp('the Portkey gateway', proc, `${origin}/`, 200, 60_000);
  return {
    name: 'Portkey',
    url: `${origin}/v1/chat/completions`,
    headers: {
      authorization: `Bearer ${PORTKEY_KEY}`,
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': upstreamBaseUrl,
    },
    model: 'gpt-4o-mini',
    upstreamAuthorization: `Bearer ${PORTKEY_KEY}`,
    pid: proc.child.pid!,
    death: () => death(proc),
    close: () => stop(proc),
  };
}

/** The provider key our server stores for `openai` (it must arrive at the fake as the bearer). */
export const OURS_PROVIDER_KEY = 'sk-fake-ours-provider-0123456789abcdef';
const QUERY_COUNTER = './bench/support/count-pg-queries.cjs';
const FULL_GC_PROBE = './bench/support/full-gc-probe.cjs';

export interface OurServer extends GatewayPeer {
  /** Which database it runs on, for the report. */
  database: string;
  /** On the embedded default: PostgreSQL (PGlite) runs inside its process. */
  embedded: boolean;
  /** Statements sent to PostgreSQL so far, by first keyword and table (bench/support/count-pg-queries.cjs). */
  queries(): Promise<Record<string, number>>;
  /** Its RSS and V8 heap in use, MiB, after two full garbage collections a second apart (bench/support/full-gc-probe.cjs). */
  afterFullGc(): Promise<{ rssMiB: number; heapUsedMiB: number }>;
}

/**
 * Our server, built (`node scripts/build-if-stale.js`) and started as `node dist/main.js` with the
 * query counter and the full-GC probe preloaded, on a fresh database: a database of its own (dropped
 * after) on the local PostgreSQL (BENCH_DATABASE_URL's server, by default 127.0.0.1:5432), as in
 * production, where the database is a server of its own; else, when BENCH_DATABASE_URL is unset and
 * the default cannot be reached, the embedded default in a temporary DATA_DIR, whose PGlite runs inside ours. Health sweeps off,
 * LOG_LEVEL=warn; egress to loopback is allowed by default. The catalog's `openai` gets a credential
 * whose base URL is the fake's `/v1`, and a consumer key `bench` is created through POST /api/keys.
 * Resolves to a reason instead when it cannot run: the build fails, or the gateway's /v1 edge (or
 * /api/keys) is not on this build yet.
 */
export async function startOurs(upstreamBaseUrl: string): Promise<OurServer | { skipped: string }> {
  const build = spawn(process.execPath, ['scripts/build-if-stale.js'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const built = await new Promise<number | null>((resolve) => build.once('close', resolve));
  if (built !== 0) return { skipped: `the build failed (node scripts/build-if-stale.js exited ${built})` };

  const port = await freePort();
  const common = {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    HEALTH_CHECK_INTERVAL_MS: '0',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
  };
  let env: NodeJS.ProcessEnv;
  let database: string;
  let dropDatabase: () => Promise<void>;
  const embedded = !(await benchDatabaseReachable());
  if (embedded && process.env.BENCH_DATABASE_URL)
    throw new Error(`BENCH_DATABASE_URL (${process.env.BENCH_DATABASE_URL}) cannot be reached`);
  if (!embedded) {
    const db = await createBenchDatabase('gateway');
    env = { ...process.env, ...common, DATABASE_URL: db.url, CREDENTIALS_KEYS: `k1:${TEST_KEY_1}` };
    delete env.DATA_DIR;
    delete env.DATABASE_DIRECT_URL;
    database = `PostgreSQL at ${new URL(db.url).host}, database ${new URL(db.url).pathname.slice(1)}`;
    dropDatabase = db.drop;
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gateway-'));
    env = embeddedEnv(dataDir, common);
    database = `the embedded default in ${dataDir}`;
    dropDatabase = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const proc = runNode(['-r', QUERY_COUNTER, '-r', FULL_GC_PROBE, 'dist/main.js'], env);
  const origin = `http://127.0.0.1:${port}`;
  const close = async () => {
    await stop(proc);
    await dropDatabase();
  };
  // Each signal makes its preload print one line, `<prefix> <JSON>`; the next such line answers the oldest waiter.
  const waiting = new Map<string, Array<(value: never) => void>>();
  const ask = <T>(signal: NodeJS.Signals, prefix: string) =>
    new Promise<T>((resolve) => {
      waiting.set(prefix, [...(waiting.get(prefix) ?? []), resolve]);
      proc.child.kill(signal);
    });
  let partial = '';
  proc.child.stderr!.on('data', (chunk) => {
    const lines = (partial + String(chunk)).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const [prefix] = line.split(' ', 1);
      if (waiting.has(prefix)) waiting.get(prefix)!.shift()?.(JSON.parse(line.slice(prefix.length + 1)) as never);
    }
  });
  try {
    await waitUntilUp('our server', proc, `${origin}/readyz`);
    const api = async (method: string, route: string, body: unknown) => {
      const response = await fetch(`${origin}${route}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
    };
    const credential = await api('POST', '/api/providers/openai/credentials', { apiKey: OURS_PROVIDER_KEY, baseUrl: upstreamBaseUrl });
    if (credential.status !== 201 && credential.status !== 200) {
      throw new Error(`storing the openai credential answered ${credential.status}: ${JSON.stringify(credential.body)}`);
    }
    const created = await api('POST', '/api/keys', { name: 'bench' });
    if (created.status === 404) {
      await close();
      return { skipped: 'POST /api/keys is not on this build yet (no consumer key to call /v1 with)' };
    }
    const payload = (created.body?.data ?? created.body) as { key?: string } | null;
    if (!payload?.key) throw new Error(`POST /api/keys answered ${created.status} without a key: ${JSON.stringify(created.body)}`);
    const headers = { authorization: `Bearer ${payload.key}` };
    const probe = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] }),
    });
    if (probe.status === 404) {
      const text = await probe.text();
      // The gateway answers an unknown model 404 too, in OpenAI's error shape; a missing route does not.
      if (!text.includes('"error"') || !text.includes('model')) {
        await close();
        return { skipped: 'the gateway HTTP edge (POST /v1/chat/completions) is not on this build yet' };
      }
    }
    return {
      name: 'ours',
      url: `${origin}/v1/chat/completions`,
      headers,
      model: 'openai/gpt-4o-mini',
      upstreamAuthorization: `Bearer ${OURS_PROVIDER_KEY}`,
      pid: proc.child.pid!,
      death: () => death(proc),
      database,
      embedded,
      afterFullGc: () => ask('SIGWINCH', 'bench-memory'),
      queries: () => ask('SIGUSR2', 'bench-pg-queries'),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
