import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningProcess, startServer } from '../../support/server-process';

interface LogLine {
  level: number;
  context?: string;
  msg: string;
}

/** Nest's own start-up lines: one per module, one per controller and route, its "starting" and "started". */
const NEST_START_UP = ['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication'];

jest.setTimeout(120_000);

/** What a start of the real server logs, as a newcomer running `npm start` reads it. */
describe('start-up log lines', () => {
  let work: string;
  const started: RunningProcess[] = [];

  /** The server started in `work` with `LOG_LEVEL`, stopped again; its JSON log lines. */
  async function linesOfAStart(logLevel: string): Promise<LogLine[]> {
    const server = await startServer(path.join(work, 'data'), { LOG_LEVEL: logLevel });
    started.push(server);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    return server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  }

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-start-up-lines-'));
  });

  afterAll(async () => {
    for (const server of started) {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("at the default level, none of Nest's per-module and per-route lines: the registry's own and where it listens", async () => {
    // Empty counts as unset: the default level, whatever the test environment says.
    const lines = await linesOfAStart('');
    expect(lines.filter((line) => NEST_START_UP.includes(line.context ?? ''))).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 30, context: 'Bootstrap', msg: expect.stringMatching(/^Listening on /) }),
    );
    // A first start in this folder: the generated credentials key is warned about.
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, context: 'KeyRing' }));
  });

  it('at LOG_LEVEL=debug, all of them, at debug', async () => {
    const lines = await linesOfAStart('debug');
    const nest = lines.filter((line) => NEST_START_UP.includes(line.context ?? ''));
    expect(new Set(nest.map((line) => line.context))).toEqual(new Set(NEST_START_UP));
    expect(nest.filter((line) => line.level !== 20)).toEqual([]);
    expect(nest).toContainEqual(expect.objectContaining({ context: 'RouterExplorer', msg: 'Mapped {/healthz, GET} route' }));
  });
});
