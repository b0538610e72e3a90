import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The environment of our processes in these tests: embedded database in `dataDir`, nothing inherited that points elsewhere. */
export function embeddedEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'debug', HEALTH_CHECK_INTERVAL_MS: '0', ...extra };
  delete env.DATABASE_URL;
  delete env.CREDENTIALS_KEYS;
  delete env.CREDENTIALS_KEY;
  return env;
}

export interface RunningProcess {
  child: ChildProcess;
  /** stdout and stderr as they interleaved. */
  output(): string;
  /** stderr alone (where start-up failures go). */
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * The server as `npm start` runs it: the build in dist/ (global-setup-built.ts rebuilds it first when a
 * source is newer). Plain node starts it in a fraction of the time ts-node takes to compile src/ again.
 */
export const SERVER_ENTRY = 'dist/main.js';

/** The TypeORM CLI as `npm run typeorm` runs it: it registers ts-node itself to read ormconfig.ts. */
export const TYPEORM_CLI = path.join('node_modules', 'typeorm', 'cli-ts-node-commonjs.js');

/**
 * Runs an entry point of ours as a real child process: a built one (`.js`) with plain node, a
 * TypeScript one (a test harness) through ts-node, transpile-only.
 */
export function runEntry(entry: string, args: string[], env: NodeJS.ProcessEnv): RunningProcess {
  let output = '';
  let stderr = '';
  const loader = entry.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : [];
  const child = spawn(process.execPath, [...loader, entry, ...args], {
    cwd: REPO_ROOT,
    // As the npm scripts set it: TypeScript is compiled without a type check (lint does that).
    env: { TS_NODE_TRANSPILE_ONLY: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => {
    output += chunk;
    stderr += chunk;
  });
  // 'close', not 'exit': by then both pipes are drained, so the output is complete.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, stderr: () => stderr, exited };
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the server on the embedded database and resolves once /healthz answers 200, with the elapsed ms. */
export async function startServer(
  dataDir: string,
  extra: Record<string, string> = {},
): Promise<RunningProcess & { port: number; startupMs: number }> {
  const port = await freePort();
  const started = Date.now();
  const server = runEntry(SERVER_ENTRY, [], embeddedEnv(dataDir, { PORT: String(port), HOST: '127.0.0.1', ...extra }));
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  await waitFor(
    `the server on port ${port}`,
    async () => {
      if (exitCode !== undefined) throw new Error(`server exited with ${exitCode}:\n${server.output()}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        return response.status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    },
    60_000,
  );
  return { ...server, port, startupMs: Date.now() - started };
}

/** Resident and peak memory of a process, in MiB, where /proc tells (Linux); for the log, never for assertions. */
export function memoryOf(pid: number): string {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const mib = (field: string) => Math.round(Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024);
    return `RSS ${mib('VmRSS')} MiB, peak ${mib('VmHWM')} MiB`;
  } catch {
    return 'memory not available here';
  }
}

/** The newest lock generation file in dataDir, or null. */
export function newestLockFile(dataDir: string): string | null {
  const generations = fs
    .readdirSync(dataDir)
    .map((name) => /^registry\.lock\.(\d+)$/.exec(name)?.[1])
    .filter((generation): generation is string => generation !== undefined)
    .map(Number);
  return generations.length === 0 ? null : path.join(dataDir, `registry.lock.${Math.max(...generations)}`);
}

/** The record of the newest lock generation in dataDir; null when there is none or it was released. */
export function readLock(dataDir: string): { pid: number; port: number | null; secret: string | null } | null {
  const file = newestLockFile(dataDir);
  if (!file) return null;
  const record = JSON.parse(fs.readFileSync(file, 'utf8'));
  return 'released' in record ? null : record;
}
