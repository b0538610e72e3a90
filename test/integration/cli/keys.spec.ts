import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { testConfig } from '../../support/registry-app';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { CliRun, runInProcess } from './run-in-process';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** One clear line on stderr and the exit code: what every refused command answers. */
function refused(run: CliRun, code: number, text: string): void {
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code, stdout: '' });
  expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(text)]);
  expect(run.stderr).toMatch(/^error: /);
}

describe('ai:keys:* (consumer keys, in-process)', () => {
  let db: TestDatabase;
  let data: DataSource;
  const cli = (args: string[]) => runInProcess(testConfig(db), args);

  beforeEach(async () => {
    db = await createTestDatabase();
    data = await db.dataSource();
  });
  afterEach(() => db.drop());

  it('create prints the key once, as the last line of stdout; list never shows it or its hash; revoke by name or id', async () => {
    const created = await cli([
      'ai:keys:create',
      '--name',
      'billing-svc',
      '--models',
      'openai/gpt-4o-mini, anthropic/claude-3-5-haiku-latest',
    ]);
    expect(created.code).toBe(0);
    const lines = created.stdout.split('\n');
    expect(lines[lines.length - 1]).toBe(''); // the key's line ends with a newline, and nothing follows it
    const key = lines[lines.length - 2];
    expect(key).toMatch(/^sk-reg-[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('It is shown once');
    expect(created.stderr).toContain('openai/gpt-4o-mini, anthropic/claude-3-5-haiku-latest');
    expect(created.stderr).not.toContain(key);
    expect(await data.query(`SELECT key_hash, models FROM consumer_keys`)).toEqual([
      { key_hash: sha256(key), models: ['openai/gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest'] },
    ]);

    const until = '2099-01-31T12:00:00Z';
    const other = await cli(['ai:keys:create', '--name', 'nightly', '--expires', until]);
    const otherKey = other.stdout.trim().split('\n').pop()!;
    expect(other.stderr).toContain('every model; expires 2099-01-31 12:00:00Z');

    const table = await cli(['ai:keys:list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/id .*name .*prefix .*models .*expires .*revoked .*created/);
    expect(table.stdout).toMatch(new RegExp(`billing-svc .*${key.slice(0, 12).replace(/[-]/g, '\\-')}… .*openai/gpt-4o-mini`));
    expect(table.stdout).toMatch(/nightly .*all .*2099-01-31 12:00:00Z/);

    const listed = await cli(['ai:keys:list', '--json']);
    for (const secret of [key, otherKey, sha256(key), sha256(otherKey)]) {
      expect(table.stdout + listed.stdout).not.toContain(secret);
    }
    const rows = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((r) => Object.keys(r).sort())).toEqual(
      Array(2).fill([
        'budgetUsd',
        'budgetWarnRatio',
        'budgetWindow',
        'createdAt',
        'expiresAt',
        'id',
        'maxParallel',
        'models',
        'name',
        'prefix',
        'revokedAt',
        'rpm',
        'status',
        'tpm',
        'updatedAt',
        'version',
      ]),
    );
    expect(rows[1]).toMatchObject({ name: 'nightly', models: null, expiresAt: '2099-01-31T12:00:00.000Z', status: 'active' });

    const byName = await cli(['ai:keys:revoke', 'billing-svc']);
    expect(byName).toMatchObject({ code: 0, stdout: `Revoked consumer key billing-svc (id ${rows[0].id})\n` });
    expect((await cli(['ai:keys:revoke', String(rows[1].id)])).code).toBe(0);
    expect(JSON.parse((await cli(['ai:keys:list', '--json'])).stdout).map((r: { status: string }) => r.status)).toEqual([
      'revoked',
      'revoked',
    ]);
    refused(await cli(['ai:keys:revoke', 'billing-svc']), 1, 'No live consumer key named or numbered "billing-svc"');
    refused(await cli(['ai:keys:revoke', '424242']), 1, 'No live consumer key named or numbered "424242"');
  });

  it('--json prints one document holding the key, and nothing else', async () => {
    const created = await cli(['ai:keys:create', '--name', 'script', '--json']);
    expect(created.code).toBe(0);
    const document = JSON.parse(created.stdout);
    expect(document).toMatchObject({ name: 'script', models: null, status: 'active', key: expect.stringMatching(/^sk-reg-/) });
    expect(document.prefix).toBe(document.key.slice(0, 12));
  });

  it('refuses bad input with one line on stderr and a non-zero exit, creating nothing', async () => {
    refused(await cli(['ai:keys:create']), 2, 'missing --name <name>');
    refused(await cli(['ai:keys:create', '--name', 'Billing Svc']), 2, 'name: must be 1-100 of a-z');
    refused(await cli(['ai:keys:create', '--name', 'svc', '--models', 'gpt-4o']), 2, 'models: entry 1 must be provider/model');
    refused(await cli(['ai:keys:create', '--name', 'svc', '--models', 'openai/gpt-4o,']), 2, 'models: entry 2 must be provider/model');
    refused(await cli(['ai:keys:create', '--name', 'svc', '--models', 'openai/gpt 4o']), 2, 'whitespace');
    refused(await cli(['ai:keys:create', '--name', 'svc', '--expires', 'soon']), 2, '--expires "soon": must be an ISO 8601 date or time');
    refused(await cli(['ai:keys:create', '--name', 'svc', '--expires', '2020-01-01']), 2, '--expires: must be in the future');
    refused(await cli(['ai:keys:revoke', '99999999999999999999']), 2, 'key: an id is 1 to 9223372036854775807');
    expect(await data.query('SELECT count(*)::int AS n FROM consumer_keys')).toEqual([{ n: 0 }]);

    expect((await cli(['ai:keys:create', '--name', 'svc'])).code).toBe(0);
    refused(await cli(['ai:keys:create', '--name', 'svc']), 1, 'A consumer key named "svc" exists already');
    const extra = await cli(['ai:keys:revoke', 'svc', 'other']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('too many arguments');
  });

  it('create sets limits; update changes and removes them (none), refusing bad values and an empty change', async () => {
    const created = await cli([
      'ai:keys:create',
      '--name',
      'limited',
      '--rpm',
      '600',
      '--tpm',
      '200000',
      '--max-parallel',
      '20',
      '--budget-usd',
      '50',
      '--budget-window',
      'month',
    ]);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('rpm 600, tpm 200000, max parallel 20, budget 50.0000 USD/month (warn at 80 %)');
    const updated = await cli(['ai:keys:update', 'limited', '--rpm', '1200', '--max-parallel', 'none', '--budget-window', 'day']);
    expect(updated).toMatchObject({ code: 0, stdout: expect.stringContaining('rpm 1200, tpm 200000, budget 50.0000 USD/day') });
    const [row] = await data.query('SELECT rpm, tpm, max_parallel, budget_usd, budget_window FROM consumer_keys');
    expect(row).toEqual({ rpm: 1200, tpm: 200000, max_parallel: null, budget_usd: '50.0000', budget_window: 'day' });
    refused(await cli(['ai:keys:update', 'limited']), 2, 'nothing to change');
    refused(await cli(['ai:keys:update', 'limited', '--rpm', 'lots']), 2, '--rpm: must be a number or none');
    refused(await cli(['ai:keys:update', 'limited', '--tpm', '0']), 2, 'tpm: must be a whole number');
    refused(await cli(['ai:keys:update', 'nobody', '--rpm', '5']), 1, 'No live consumer key named or numbered "nobody"');
    refused(await cli(['ai:keys:create', '--name', 'x', '--rpm', 'none']), 2, '--rpm: must be a number');
  });

  it('--help of each ends with an example, and the root help lists them', async () => {
    const root = await cli(['--help']);
    for (const name of ['ai:keys:create', 'ai:keys:list', 'ai:keys:revoke']) expect(root.stdout).toContain(name);
    const help = await cli(['ai:keys:create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--models <list>/);
    expect(help.stdout).toMatch(/Example:\n {2}\$ ai-registry ai:keys:create --name billing-svc/);
    expect((await cli(['ai:keys:list'])).stdout).toContain('No consumer keys. Create one: ai-registry ai:keys:create --name <name>');
  });
});
