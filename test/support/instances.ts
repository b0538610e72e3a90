import { Client } from 'pg';
import { TEST_KEY_1 } from './registry-app';
import { RunningProcess, SERVER_ENTRY, freePort, runEntry, waitFor } from './server-process';

/** The bootstrap admin token of every instance these tests start (≥ 32 characters). */
export const ADMIN_TOKEN = 'scale-test-admin-token-0123456789abcdef';
export const OPENAI_KEY = 'sk-proj-Sc4leTestKeyAbCdEfGhIjKlMn0123';

export interface Instance extends RunningProcess {
  port: number;
  url: string;
  /** An API call with the admin token; the parsed JSON body (null for an empty one) and the status. */
  api<T = { data: unknown }>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }>;
  /** The provider POST /api/models/select picks for text now. */
  selectedProvider(): Promise<string | null>;
  /** The lines of its pino JSON log, parsed (lines that are not JSON are left out). */
  logs(): Array<Record<string, unknown>>;
}

export interface InstanceOptions {
  /** The pooled connection (DATABASE_URL). */
  databaseUrl: string;
  /** DATABASE_DIRECT_URL, for LISTEN and advisory locks; unset: the same as databaseUrl. */
  directUrl?: string;
  env?: Record<string, string>;
  /** Another entry point that boots the server (a harness); default the built server (SERVER_ENTRY). */
  entry?: string;
  args?: string[];
}

/** One instance of the real server (dist/main.js) on a real PostgreSQL, as a child process; resolves once /readyz answers 200. */
export async function startInstance(options: InstanceOptions): Promise<Instance> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    CREDENTIALS_KEYS: `k1:${TEST_KEY_1}`,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    HEALTH_CHECK_INTERVAL_MS: '0',
    // Resync off: what an instance sees arrived through a notification or a reconnect's resync.
    REGISTRY_RESYNC_MS: '0',
    // Many requests from one address: the failed-auth limit is not what these tests look at.
    API_PROVIDER_CALLS_PER_MINUTE: '100000',
    ...options.env,
  };
  delete env.DATABASE_DIRECT_URL;
  delete env.DATA_DIR;
  if (options.directUrl) env.DATABASE_DIRECT_URL = options.directUrl;
  const server = runEntry(options.entry ?? SERVER_ENTRY, options.args ?? [], env);
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `the instance on port ${port}`,
    async () => {
      if (exitCode !== undefined) throw new Error(`instance exited with ${exitCode}:\n${server.output()}`);
      try {
        return (await fetch(`${url}/readyz`)).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    },
    90_000,
  );
  const api: Instance['api'] = async (method, path, body, headers = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
  return {
    ...server,
    port,
    url,
    api,
    async selectedProvider() {
      const { status, body } = await api<{ data: { provider: string } }>('POST', '/api/models/select', { modelType: 'text' });
      return status === 200 ? body.data.provider : null;
    },
    logs() {
      return server
        .output()
        .split('\n')
        .flatMap((line) => {
          if (!line.startsWith('{')) return [];
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        });
    },
  };
}

/** SIGTERM, then the exit code; kill -9 after `ms` if it has not exited by then. */
export async function stopInstance(instance: Instance, ms = 30_000): Promise<number | null> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return instance.exited;
  instance.child.kill('SIGTERM');
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), ms);
  try {
    return await instance.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** A plain client on the database, as psql would be. */
export async function psql(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'psql' });
  client.on('error', () => undefined); // the per-test database is dropped WITH (FORCE)
  await client.connect();
  return client;
}

/** Backend pids of the registry's LISTEN sessions on this database. */
export async function listenerPids(client: Client): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'ai-provider-registry:listen' ORDER BY pid`,
  );
  return rows.map((row) => row.pid);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
