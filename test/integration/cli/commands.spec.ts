import { DataSource } from 'typeorm';
import { loadCatalog } from '../../../src/registry/catalog/load-catalog';
import { ConsumerKeysService } from '../../../src/registry/consumer-keys/consumer-keys.service';
import { UsageService } from '../../../src/registry/usage/usage.service';
import { SHIPPED_CATALOG, writeCatalogVariant } from '../../support/catalog-files';
import { FakeProviderServer, keyLeaks } from '../../support/fake-provider-server';
import { startRegistry, testConfig, TEST_KEY_1, TEST_KEY_2 } from '../../support/registry-app';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { runInProcess } from './run-in-process';

const KEY = 'sk-proj-Cli7Tq2WmNx4Pz8Kd3Lv9Hs6Bj1Fa5Ge';
const OPENAI_MODELS = loadCatalog(SHIPPED_CATALOG)
  .providers.get('openai')!
  .textModels.map((m) => m.id);

describe('admin CLI commands (in-process, nest-commander testing)', () => {
  let db: TestDatabase;
  let data: DataSource;
  const fake = new FakeProviderServer();
  let baseUrl: string;
  const config = (env: Record<string, string> = {}) => testConfig(db, env);
  const cli = (args: string[], options: Parameters<typeof runInProcess>[2] = {}) => runInProcess(config(), args, options);
  const store = (args: string[] = []) =>
    cli(['ai:credentials:set', 'openai', '--key-stdin', '--base-url', baseUrl, ...args], { stdin: KEY });

  beforeAll(async () => {
    await fake.start();
    baseUrl = fake.add('openai', { kind: 'openai', apiKey: KEY, models: OPENAI_MODELS }).baseUrl;
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    db = await createTestDatabase();
    data = await db.dataSource();
  });
  afterEach(() => db.drop());

  function expectNoKey(run: { stdout: string; stderr: string }) {
    // The vendor prefix (sk-proj-) is public and shown in the masked form; no piece of the rest may appear.
    expect(keyLeaks(run.stdout + run.stderr, KEY.slice('sk-proj-'.length))).toEqual([]);
  }

  it('--help lists every command and a command’s help ends with an example; help exits 0', async () => {
    const root = await cli(['--help']);
    expect(root.code).toBe(0);
    for (const name of ['ai:credentials:set', 'ai:credentials:list', 'ai:credentials:remove', 'ai:credentials:rotate-key', 'ai:health']) {
      expect(root.stdout).toContain(name);
    }
    for (const name of [
      'ai:providers:list',
      'ai:providers:enable',
      'ai:providers:disable',
      'ai:providers:sync',
      'ai:usage',
      'ai:tokens:create',
    ]) {
      expect(root.stdout).toContain(name);
    }
    const one = await cli(['ai:health', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/Example:\n {2}\$ ai-registry ai:health/);
  });

  it('a bad flag or an unknown command is a usage error (exit 2) naming it', async () => {
    const flag = await cli(['ai:providers:list', '--colour']);
    expect(flag).toMatchObject({ code: 2, stdout: '' });
    expect(flag.stderr).toContain("unknown option '--colour'");
    const command = await cli(['ai:providers:lst']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'ai:providers:lst'");
    const role = await cli(['ai:tokens:create', '--name', 'ci', '--role', 'root']);
    expect(role.code).toBe(2);
    expect(role.stderr.trim()).toBe('error: role: must be admin or viewer');
  });

  it('ai:providers:list --json is one JSON document with the catalog’s providers and why each is unavailable', async () => {
    const run = await cli(['ai:providers:list', '--json']);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<{
      provider: string;
      enabled: boolean;
      availability: { available: boolean; reason?: string };
    }>;
    expect(rows.map((r) => r.provider).sort()).toEqual(['anthropic', 'ollama', 'openai', 'openrouter']);
    expect(rows.find((r) => r.provider === 'openai')).toMatchObject({
      enabled: true,
      availability: { available: false, reason: 'no_credential' },
    });
    const table = await cli(['ai:providers:list']);
    expect(table.stdout).toMatch(/openai .*│ OpenAI .*│ yes .*│ unknown .*no: no_credential/);
  });

  it('set without a key and no terminal: exit 2 naming the flag, nothing stored', async () => {
    const run = await cli(['ai:credentials:set', 'openai']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing key for openai: pipe it in with --key-stdin');
    const noProvider = await cli(['ai:credentials:set', '--key-stdin'], { stdin: KEY });
    expect(noProvider.code).toBe(2);
    expect(noProvider.stderr).toContain(
      'missing provider: pass it as the first argument (known providers: anthropic, ollama, openai, openrouter)',
    );
    expect(await data.query('SELECT count(*)::int AS n FROM ai_credentials')).toEqual([{ n: 0 }]);
  });

  it('an unknown provider is exit 1 listing the known ones', async () => {
    const run = await cli(['ai:credentials:set', 'openia', '--key-stdin'], { stdin: KEY });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('error: unknown provider "openia"; known providers: anthropic, ollama, openai, openrouter');
  });

  it('set --key-stdin stores the key encrypted, shows it masked, asks for --force before replacing, and never prints it', async () => {
    const first = await store();
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Stored api_key credential \d+ for openai: sk-proj-…[A-Za-z0-9]{4}, active\n$/);
    const [row] = await data.query('SELECT encrypted_credentials FROM ai_credentials');
    expect(row.encrypted_credentials).not.toContain(KEY);

    const again = await store();
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('openai already has an api_key credential (sk-proj-…');
    expect(again.stderr).toContain('pass --force to replace it');
    const forced = await store(['--force', '--expires', '2031-01-31']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^Replaced api_key credential \d+ for openai: .*, expires 2031-01-31T00:00:00.000Z/);
    for (const run of [first, again, forced]) expectNoKey(run);
  });

  it('set --key works with a warning about shell history, and the warning never repeats the key', async () => {
    const run = await cli(['ai:credentials:set', 'openai', '--key', KEY, '--base-url', baseUrl]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: --key leaves the key in your shell history');
    expectNoKey(run);
  });

  it('in a terminal set asks for the provider and the key (masked prompt) and confirms a replacement', async () => {
    const run = await cli(['ai:credentials:set', '--base-url', baseUrl], { answers: { choose: ['openai'], secret: [KEY] } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Stored api_key credential');
    const declined = await cli(['ai:credentials:set', 'openai'], { answers: { confirm: [false] } });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('nothing changed: the stored credential was kept');
    expectNoKey(run);
  });

  it('set --test probes the provider with the new key and prints the result; a rejected key exits 1, stored', async () => {
    const ok = await store(['--test']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Test: healthy in \d+ ms/);
    const bad = await cli(['ai:credentials:set', 'openai', '--key-stdin', '--force', '--test', '--base-url', baseUrl], {
      stdin: 'sk-wrong-key-0000000000',
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/Test: unhealthy in \d+ ms \(auth failed: HTTP 401/);
    expect(bad.stderr).toContain('the credential is stored, but the test of openai did not pass');
    expectNoKey(ok);
  });

  it('credentials:list shows provider, type, active, provider enabled, health, usage and the masked key; --json parses', async () => {
    await store();
    const registry = await startRegistry(db);
    const [credential] = await data.query('SELECT id::text FROM ai_credentials');
    await registry
      .get(UsageService)
      .recordBatch('cli-list-1', [{ provider: 'openai', credentialId: credential.id, requests: 3, inputTokens: 30, outputTokens: 9 }]);
    await registry.close();
    const table = await cli(['ai:credentials:list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /provider .*type .*active .*provider enabled .*health .*expires .*last used .*requests .*tokens in\/out .*key/,
    );
    expect(table.stdout).toMatch(/openai .*api_key .*yes .*yes .*unknown .*- .*20\d\d-.*3 .*30\/9 .*sk-proj-…/);
    const json = await cli(['ai:credentials:list', '--provider', 'openai', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        provider: 'openai',
        credentialType: 'api_key',
        active: true,
        providerEnabled: true,
        usageCount: '3',
        inputTokens: '30',
      }),
    ]);
    expectNoKey(table);
    expectNoKey(json);
  });

  it('ai:health exits 0 when every checked provider is healthy and 1 when one is not, with a table of status, latency and reason', async () => {
    await store();
    // Ollama needs no key, so it is checked too: at the catalog's localhost:11434, where nothing listens here.
    expect((await cli(['ai:providers:disable', 'ollama'])).code).toBe(0);
    const healthy = await cli(['ai:health']);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/openai .*healthy .*\d+ ms/);
    expect(healthy.stdout).toMatch(/anthropic .*not checked .*no usable credential|anthropic .*not checked/);
    const [{ health_status }] = await data.query(`SELECT health_status FROM provider_configs WHERE provider = 'openai'`);
    expect(health_status).toBe('healthy');

    fake.add('openai', { kind: 'openai', apiKey: KEY, models: OPENAI_MODELS, mode: 'unauthorized' });
    try {
      const failing = await cli(['ai:health', 'openai', '--json']);
      expect(failing.code).toBe(1);
      const doc = JSON.parse(failing.stdout);
      expect(doc).toMatchObject({ healthy: false, results: [{ provider: 'openai', status: 'unhealthy', probed: true }] });
      expect(failing.stderr).toContain('error: not every provider is healthy: openai unhealthy');
      expectNoKey(failing);
    } finally {
      fake.add('openai', { kind: 'openai', apiKey: KEY, models: OPENAI_MODELS });
    }
  });

  it('enable/disable change the operator switch, audited as the CLI user', async () => {
    const off = await cli(['ai:providers:disable', 'anthropic']);
    expect(off).toMatchObject({ code: 0, stdout: 'anthropic disabled\n' });
    expect(await data.query(`SELECT enabled FROM provider_configs WHERE provider = 'anthropic'`)).toEqual([{ enabled: false }]);
    const events = await data.query(
      `SELECT actor, action FROM audit_events WHERE provider = 'anthropic' AND action <> 'provider.created' ORDER BY id`,
    );
    expect(events).toEqual([{ actor: 'cli:tester', action: 'provider.disabled' }]);
    expect((await cli(['ai:providers:enable', 'anthropic'])).code).toBe(0);
    expect(await data.query(`SELECT enabled FROM provider_configs WHERE provider = 'anthropic'`)).toEqual([{ enabled: true }]);
    const unknown = await cli(['ai:providers:disable', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('known providers: anthropic, ollama, openai, openrouter');
    const missing = await cli(['ai:providers:enable']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'provider'");
  });

  it('providers:sync --dry-run prints the diff and changes nothing; without it applies; operator overrides are kept', async () => {
    // The first run syncs the shipped catalog into this new database (as the server's first start does).
    expect((await cli(['ai:providers:list'])).code).toBe(0);
    const catalog = writeCatalogVariant((doc) => {
      doc.providers.openai.display_name = 'OpenAI Platform';
    });
    const dry = await runInProcess(config({ CATALOG_PATH: catalog }), ['ai:providers:sync', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('~ openai: would be updated\n    displayName: "OpenAI" → "OpenAI Platform"');
    expect(dry.stdout).toContain('Dry run: 0 created, 1 updated, 0 pruned, 3 unchanged (run without --dry-run to apply)');
    expect(await data.query(`SELECT display_name FROM provider_configs WHERE provider = 'openai'`)).toEqual([{ display_name: 'OpenAI' }]);
    const applied = await runInProcess(config({ CATALOG_PATH: catalog }), ['ai:providers:sync', '--json']);
    expect(JSON.parse(applied.stdout)).toMatchObject({ dryRun: false, updated: [{ provider: 'openai' }] });
    expect(await data.query(`SELECT display_name FROM provider_configs WHERE provider = 'openai'`)).toEqual([
      { display_name: 'OpenAI Platform' },
    ]);
  });

  it('ai:usage shows the recorded counters per provider and credential', async () => {
    await store();
    const registry = await startRegistry(db);
    const [credential] = await data.query('SELECT id::text FROM ai_credentials');
    await registry
      .get(UsageService)
      .recordBatch('cli-usage-1', [{ provider: 'openai', credentialId: credential.id, requests: 5, inputTokens: 50, outputTokens: 7 }]);
    await registry.close();
    const run = await cli(['ai:usage', '--provider', 'openai', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      providers: [expect.objectContaining({ provider: 'openai', usageCount: '5' })],
      credentials: [expect.objectContaining({ provider: 'openai', usageCount: '5', inputTokens: '50', outputTokens: '7' })],
      spend: expect.objectContaining({ groupBy: ['provider'], rows: [expect.objectContaining({ provider: 'openai', requests: '5' })] }),
    });
    expect((await cli(['ai:usage'])).stdout).toMatch(/openai .*│ 5 /);
  });

  it('ai:usage shows spend priced from the catalog, grouped as asked, and refuses a bad grouping or range (exit 2)', async () => {
    const registry = await startRegistry(db);
    await registry
      .get(UsageService)
      .recordBatch('cli-spend-1', [{ provider: 'openai', model: 'gpt-4o', requests: 2, inputTokens: 1_000_000, outputTokens: 100_000 }]);
    // A gateway call made with a consumer key (flushed when the registry closes).
    const { view: billing } = await registry.get(ConsumerKeysService).create({ name: 'billing-svc' });
    registry
      .get(UsageService)
      .record('openai', { model: 'gpt-4o-mini', inputTokens: 1_000_000, consumerKeyId: billing.id, outcome: 'success' });
    await registry.close();
    const today = new Date().toISOString().slice(0, 10);
    const run = await cli(['ai:usage', '--group-by', 'model,day', '--from', today]);
    expect(run.code).toBe(0);
    // $2.50 for a million input tokens, $1.00 for 100,000 output tokens at $10 per million.
    // …and $0.15 for a million input tokens of gpt-4o-mini.
    expect(run.stdout).toContain(`Spend ${today} to ${today}: 3.650000 USD`);
    expect(run.stdout).toMatch(new RegExp(`gpt-4o .*│ ${today} .*│ 2 .*│ 1000000 .*│ 100000 .*│ 3\\.500000`));
    // Per consumer key, by its name; usage without a key is '-', as usage without a model is.
    const byKey = await cli(['ai:usage', '--group-by', 'key', '--from', today]);
    expect(byKey.stdout).toMatch(/│ key +│ requests/);
    expect(byKey.stdout).toMatch(/│ - +│ 2 .*│ 3\.500000/);
    expect(byKey.stdout).toMatch(/│ billing-svc +│ 1 .*│ 1000000 .*│ 0 .*│ 0\.150000/);
    const json = JSON.parse((await cli(['ai:usage', '--group-by', 'key', '--from', today, '--json'])).stdout);
    expect(json.spend.rows).toEqual([
      { keyId: '0', keyName: '', requests: '2', inputTokens: '1000000', outputTokens: '100000', costUsd: '3.500000' },
      { keyId: billing.id, keyName: 'billing-svc', requests: '1', inputTokens: '1000000', outputTokens: '0', costUsd: '0.150000' },
    ]);
    const bad = await cli(['ai:usage', '--group-by', 'colour']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('groupBy: must list some of provider, model, credential, key, day');
    expect((await cli(['ai:usage', '--from', '2026-13-01'])).stderr).toContain('from: must be a date YYYY-MM-DD');
  });

  it('tokens: create prints the token once, list never shows it, revoke by name or id refuses it afterwards', async () => {
    const created = await cli(['ai:tokens:create', '--name', 'ci-reader', '--role', 'viewer']);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^reg_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('It is shown once');
    const listed = await cli(['ai:tokens:list', '--json']);
    expect(listed.stdout).not.toContain(token);
    const rows = JSON.parse(listed.stdout) as Array<{ id: string; name: string; role: string; revokedAt: string | null }>;
    const row = rows.find((t) => t.name === 'ci-reader')!;
    expect(row).toMatchObject({ role: 'viewer', revokedAt: null });
    expect(Object.keys(row)).not.toContain('tokenHash');
    expect(await cli(['ai:tokens:revoke', row.id])).toMatchObject({ code: 0 });
    const again = await cli(['ai:tokens:revoke', 'ci-reader']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no live token named or numbered "ci-reader"');
    const bad = await cli(['ai:tokens:create', '--name', 'Bad Name', '--role', 'admin']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('name: must be 1-100 of a-z');
    expect((await cli(['ai:tokens:create', '--role', 'admin'])).stderr).toContain('missing --name <name>');
  });

  it('rotate-key re-encrypts under the first key, and lists (exit 1) what the ring cannot decrypt', async () => {
    await store();
    const ring = { CREDENTIALS_KEYS: `k2:${TEST_KEY_2},k1:${TEST_KEY_1}` };
    const rotated = await runInProcess(config(ring), ['ai:credentials:rotate-key', '--json']);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout)).toEqual({ rotated: 1, alreadyCurrent: 0, failed: [] });
    expect(await data.query(`SELECT encrypted_credentials LIKE 'v1:k2:%' AS under_k2 FROM ai_credentials`)).toEqual([{ under_k2: true }]);

    const lacking = await runInProcess(config({ CREDENTIALS_KEYS: `k3:${TEST_KEY_1}` }), ['ai:credentials:rotate-key']);
    expect(lacking.code).toBe(1);
    expect(lacking.stdout).toContain('0 re-encrypted, 0 already under the first key, 1 failed');
    expect(lacking.stdout).toMatch(/openai .*api_key .*k2/);
    expect(lacking.stderr).toContain('1 credential(s) could not be decrypted with this key ring');
  });

  it('remove asks for --yes without a terminal, then deletes', async () => {
    await store();
    const unconfirmed = await cli(['ai:credentials:remove', 'openai']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('Pass --yes to confirm');
    expect(await data.query('SELECT count(*)::int AS n FROM ai_credentials')).toEqual([{ n: 1 }]);
    const removed = await cli(['ai:credentials:remove', 'openai', '--yes']);
    expect(removed.code).toBe(0);
    expect(await data.query('SELECT count(*)::int AS n FROM ai_credentials')).toEqual([{ n: 0 }]);
    expect((await cli(['ai:credentials:remove', 'openai', '--yes'])).stderr).toContain('openai has no api_key credential');
  });
});
