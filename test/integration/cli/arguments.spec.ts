import { testConfig } from '../../support/registry-app';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { runInProcess } from './run-in-process';

/** What a usage error must look like: exit 2, nothing on stdout, exactly one line on stderr. */
function expectOneLineUsageError(run: { code: number; stdout: string; stderr: string }): string {
  expect(run).toMatchObject({ code: 2, stdout: '' });
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('CLI arguments (in-process)', () => {
  let db: TestDatabase;
  const cli = (args: string[]) => runInProcess(testConfig(db), args);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('an id past bigint is refused before it reaches SQL: one line, exit 2', async () => {
    const line = expectOneLineUsageError(await cli(['ai:tokens:revoke', '99999999999999999999999']));
    expect(line).toMatch(/^error: token: /);
    expect(line).not.toMatch(/unexpected|bigint|SELECT|UPDATE/);
  });

  it.each([
    [['ai:providers:list', 'extra', 'args']],
    [['ai:tokens:list', 'extra']],
    [['ai:usage', 'extra']],
    [['ai:credentials:rotate-key', 'extra']],
    [['ai:providers:sync', 'extra']],
    [['ai:providers:enable', 'openai', 'extra']],
    [['ai:health', 'openai', 'extra']],
    [['ai:tokens:revoke', 'ci', 'extra']],
  ])('%j: unexpected arguments are refused, one line, exit 2', async (args) => {
    expect(expectOneLineUsageError(await cli(args))).toMatch(/too many arguments/);
  });

  it('an unknown command is one line, with the suggestion on it', async () => {
    expect(expectOneLineUsageError(await cli(['ai:providers:lst']))).toBe(
      "error: unknown command 'ai:providers:lst' (Did you mean ai:providers:list?)",
    );
    expect(expectOneLineUsageError(await cli(['ai:providers:list', '--jsn']))).toBe("error: unknown option '--jsn' (Did you mean --json?)");
  });
});
