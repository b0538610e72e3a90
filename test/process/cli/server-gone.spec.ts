import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeProviderServer } from '../../support/fake-provider-server';
import { REPO_ROOT, RunningProcess, embeddedEnv, startServer, waitFor } from '../../support/server-process';

const KEY = 'sk-proj-Gone4Wq3ZmLx5Ty8Nd2Kv7Hs4Bj6Fa1Rc';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `ai-registry <args>` as a real child process (dist/cli/main.js), stdin piped. */
function cli(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Exit> {
  const child = spawn(process.execPath, ['dist/cli/main.js', ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

jest.setTimeout(180_000);

/**
 * The CLI goes through a running server's embedded database (its socket on 127.0.0.1). A server that
 * stops while a command runs must read as what it is, in the CLI's own plain line: not its socket's
 * `connect ECONNREFUSED 127.0.0.1:<port>`, not a provider's failure, and no JSON log lines or SQL.
 */
describe('a CLI command whose server stops under it', () => {
  const fake = new FakeProviderServer();
  let work: string;
  let server: RunningProcess | undefined;

  beforeAll(async () => {
    await fake.start();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-server-gone-'));
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server?.exited;
    await fake.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('says the server went away, in one line, for a check of one provider and for a sweep', async () => {
    const dataDir = path.join(work, 'data');
    // Slow enough that the server is stopped while both commands wait for the provider.
    const openai = fake.add('openai', { kind: 'openai', apiKey: KEY, models: ['gpt-4o-mini'], mode: { type: 'slow', delayMs: 4_000 } });
    const running = await startServer(dataDir, { LOG_LEVEL: 'info' });
    server = running;
    const env = embeddedEnv(dataDir);

    const set = await cli(['ai:credentials:set', 'openai', '--key-stdin', '--base-url', openai.baseUrl], env, KEY);
    expect(set).toMatchObject({ code: 0, stderr: '' });

    const one = cli(['ai:health', 'openai'], env);
    const sweep = cli(['ai:health'], env);
    await waitFor('both probes to reach the provider', () => (openai.requests().length >= 2 ? true : undefined), 60_000);
    running.child.kill('SIGTERM');
    const [checked, swept] = await Promise.all([one, sweep]);

    const gone =
      `error: the registry's server (process ${running.child.pid}) went away while the command ran ` +
      '(it stopped or restarted; the command used its database), so the command may not have finished: run it again\n';
    for (const run of [checked, swept]) {
      expect(run).toEqual({ code: 1, stdout: '', stderr: gone });
    }
    await running.exited;
  });
});
