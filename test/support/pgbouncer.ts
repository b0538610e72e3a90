import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort, waitFor } from './server-process';

export const PGBOUNCER_BIN = '/usr/sbin/pgbouncer';

export interface RunningPgBouncer {
  port: number;
  /** `url` with its host and port replaced by PgBouncer's: the same database, user and password, pooled. */
  urlFor(url: string): string;
  /** What PgBouncer logged (its connections, errors), for a failing test's message. */
  output(): string;
  /** Backend pids of PgBouncer's server connections to `database` (its admin console's SHOW SERVERS). */
  serverPids(database: string): Promise<number[]>;
  stop(): Promise<void>;
}

/** Whether Debian's pgbouncer package is installed (.ci/run installs it when missing). */
export function havePgBouncer(): boolean {
  return fs.existsSync(PGBOUNCER_BIN);
}

/**
 * Debian's PgBouncer on a free loopback port in front of `upstream`'s server, in transaction pooling
 * mode (what hosted PostgreSQL offers), with a generated ini and userlist in a temp folder. Trust
 * auth, as the local test PostgreSQL has. PgBouncer refuses to run as root: as root it is started with
 * `-u nobody` (it drops to that user after reading its files), so the folder and files are made readable.
 */
export async function startPgBouncer(upstream: string, options: { poolSize?: number } = {}): Promise<RunningPgBouncer> {
  const target = new URL(upstream);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-pgbouncer-'));
  fs.chmodSync(dir, 0o755);
  const user = decodeURIComponent(target.username || 'postgres');
  const userlist = path.join(dir, 'userlist.txt');
  fs.writeFileSync(userlist, `"${user}" "${decodeURIComponent(target.password)}"\n`, { mode: 0o644 });
  const ini = path.join(dir, 'pgbouncer.ini');
  fs.writeFileSync(
    ini,
    [
      '[databases]',
      // Any database name is passed through to the same server: each test file's own database works.
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `admin_users = ${user}`,
      `auth_file = ${userlist}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 10}`,
      'max_client_conn = 500',
      // node-postgres sends none of these, other drivers do; the registry itself needs no session settings.
      'ignore_startup_parameters = extra_float_digits,options',
      // A dropped test database ends its server connections: do not keep retrying them for long.
      'server_login_retry = 1',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const args = process.getuid?.() === 0 ? ['-u', 'nobody', ini] : [ini];
  const child: ChildProcess = spawn(PGBOUNCER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('close', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const urlFor = (url: string) => {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(port);
    return parsed.toString();
  };
  const stop = async () => {
    if (exitCode === undefined) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const serverPids = async (database: string) => {
    const admin = new URL(urlFor(upstream));
    admin.pathname = '/pgbouncer';
    // No parameters: pg sends it as a simple query, the only kind the admin console takes.
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ database: string; remote_pid: string }>('SHOW SERVERS');
      return rows.filter((row) => row.database === database).map((row) => Number(row.remote_pid));
    } finally {
      await client.end();
    }
  };
  try {
    await waitFor(
      `PgBouncer on port ${port}`,
      async () => {
        if (exitCode !== undefined) throw new Error(`pgbouncer exited with ${exitCode}:\n${output}`);
        const client = new Client({ connectionString: urlFor(upstream) });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } catch {
          return undefined;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      15_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, urlFor, output: () => output, serverPids, stop };
}
