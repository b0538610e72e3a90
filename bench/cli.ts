import { spawn, spawnSync } from 'node:child_process';
import { median } from './support/load';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, waitFor } from '../test/support/server-process';

const ROOT = path.resolve(__dirname, '..');
const RUNS = 10;

/** Wall time of one process from spawn to exit, in ms; fails loudly if it did not exit 0. */
function timed(args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

/**
 * The admin CLI's start-to-exit time beside a running server on the embedded default (through its
 * socket), next to Node's own start (`node -e ''`, the floor no CLI beats) and `--help` (the CLI with
 * no database opened), in one run. Uses dist/: `npm run build` first.
 */
export async function cliBench(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('cli bench: run `npm run build` first');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-bench-cli-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', HEALTH_CHECK_INTERVAL_MS: '0' };
  delete env.DATABASE_URL;
  const server = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  try {
    await waitFor(
      'the server',
      async () => ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok ? true : undefined),
      60_000,
    );
    const rows: Array<[string, number[]]> = [
      ["node -e '' (Node's own start)", []],
      ['ai-registry --help (no database)', []],
      ['ai-registry ai:providers:list --json (through the server)', []],
    ];
    const commands = [
      ['-e', ''],
      ['dist/cli/main.js', '--help'],
      ['dist/cli/main.js', 'ai:providers:list', '--json'],
    ];
    // Interleaved, so a noisy moment on the machine hits every row alike.
    for (let i = 0; i < RUNS; i++) commands.forEach((args, row) => rows[row][1].push(timed(args, env)));
    const floor = median(rows[0][1]);
    console.log(`\nadmin CLI, ${RUNS} runs each, interleaved (median / max ms, and the median over Node's own start)`);
    for (const [name, times] of rows) {
      console.log(
        `${name.padEnd(62)} ${median(times).toFixed(0).padStart(6)} ms ${Math.max(...times)
          .toFixed(0)
          .padStart(6)} ms  ${(median(times) / floor).toFixed(1).padStart(5)}x`,
      );
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
