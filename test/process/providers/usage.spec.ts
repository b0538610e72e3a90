import { DataSource } from 'typeorm';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { HealthService } from '../../../src/registry/health/active/health.service';
import { ProviderConfigService } from '../../../src/registry/provider-settings/provider-config.service';
import { InvalidInputError, UnknownProviderError } from '../../../src/registry/kernel/registry.errors';
import { MAX_RECORD_AMOUNT } from '../../../src/registry/usage/usage-input.rules';
import { UsageService } from '../../../src/registry/usage/usage.service';
import { captureLogs } from '../../support/log-capture';
import { RegistryContext, freshRegistryEachTest, startRegistry, testConfig } from '../../support/registry-app';
import { freePort, runEntry, waitFor } from '../../support/server-process';
import { TcpProxy } from '../../support/tcp-proxy';
import { TestDatabase, describeOnRealPostgres, onRealPostgres } from '../../support/test-database';

async function counters(dataSource: DataSource, provider: string) {
  const [row] = await dataSource.query(
    `SELECT p.usage_count::int AS provider_count, p.enabled, p.last_used_at,
            c.usage_count::int AS credential_count, c.input_tokens::int AS input_tokens, c.output_tokens::int AS output_tokens
     FROM provider_configs p LEFT JOIN ai_credentials c ON c.provider_config_id = p.id WHERE p.provider = $1`,
    [provider],
  );
  return row;
}

async function providerCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const rows: Array<{ provider: string; n: number }> = await dataSource.query(
    `SELECT provider, usage_count::int AS n FROM provider_configs WHERE usage_count > 0 ORDER BY provider`,
  );
  return Object.fromEntries(rows.map((r) => [r.provider, r.n]));
}

const OPENAI_KEY = 'sk-proj-0123456789abcdefghijklmn';

/**
 * The registry with its data source going through `proxy` (so the test can break the flusher's
 * connections) and its LISTEN/lock sessions going straight to the database (so they neither add to
 * the proxy's connection count nor break with it).
 */
function startViaProxy(db: TestDatabase, proxy: TcpProxy, env: Record<string, string> = {}): Promise<RegistryContext> {
  return startRegistry(db, { REGISTRY_RESYNC_MS: '0', ...env }, { url: proxy.urlFor(db.url) });
}

describe(UsageService.name, () => {
  const perTest = freshRegistryEachTest();
  let registry: RegistryContext;

  it('adds 10,000 concurrent records up exactly, per provider and per credential', async () => {
    registry = await perTest.start({ USAGE_FLUSH_MS: '20' });
    const credential = await registry.get(CredentialsService).store('openai', { apiKey: OPENAI_KEY });
    const usage = registry.get(UsageService);
    // Records arrive from many async callers while the 20 ms flusher keeps draining the tally.
    await Promise.all(
      Array.from(
        { length: 10_000 },
        (_, i) =>
          new Promise<void>((resolve) =>
            setImmediate(() => {
              usage.record(i % 2 ? 'openai' : 'anthropic', {
                inputTokens: 3,
                outputTokens: 1,
                ...(i % 2 ? { credentialId: credential.id } : {}),
              });
              resolve();
            }),
          ),
      ),
    );
    await usage.flush();
    expect(await counters(registry.dataSource, 'openai')).toMatchObject({
      provider_count: 5000,
      credential_count: 5000,
      input_tokens: 15000,
      output_tokens: 5000,
    });
    expect(await counters(registry.dataSource, 'anthropic')).toMatchObject({ provider_count: 5000 });
    expect((await counters(registry.dataSource, 'openai')).last_used_at).toBeInstanceOf(Date);
  });

  it('flushes what is pending when the app closes', async () => {
    registry = await perTest.start();
    const usage = registry.get(UsageService);
    for (let i = 0; i < 7; i++) usage.record('ollama', { requests: 3 });
    expect((await usage.getUsage()).find((u) => u.provider === 'ollama')).toMatchObject({ usageCount: '0', pending: '21' });
    expect(usage.pendingUsage()).toEqual({ entries: 1, requests: 21n });
    await registry.close();
    expect(usage.pendingUsage()).toEqual({ entries: 0, requests: 0n });
    const check = await perTest.db.dataSource();
    const [{ n }] = await check.query(`SELECT usage_count::int AS n FROM provider_configs WHERE provider = 'ollama'`);
    expect(n).toBe(21);
  });

  it('rejects an unknown provider and bad amounts instead of dropping them', async () => {
    registry = await perTest.start();
    const usage = registry.get(UsageService);
    expect(() => usage.record('nobody')).toThrow(UnknownProviderError);
    expect(() => usage.record('openai', { requests: -1 })).toThrow(InvalidInputError);
    expect(() => usage.record('openai', { inputTokens: 1.5 })).toThrow(/inputTokens/);
    expect(() => usage.record('openai', { outputTokens: MAX_RECORD_AMOUNT + 1 })).toThrow(
      /outputTokens: must be an integer from 0 to 2147483647/,
    );
    expect(() => usage.record('openai', { requests: Number.MAX_SAFE_INTEGER })).toThrow(/requests/);
    expect(() => usage.record('openai', { credentialId: 'x' })).toThrow(/credentialId/);
    expect(() => usage.record('openai', { credentialId: '0' })).toThrow(/credentialId/);
    await usage.flush();
    expect((await counters(registry.dataSource, 'openai')).provider_count).toBe(0);
  });

  it('refuses a credential id outside bigint range at record(), and 100 later requests still reach the database', async () => {
    registry = await perTest.start();
    const credential = await registry.get(CredentialsService).store('openai', { apiKey: OPENAI_KEY });
    const usage = registry.get(UsageService);
    expect(() => usage.record('openai', { credentialId: '9999999999999999999' })).toThrow(
      /credentialId: must be a credential id \(an integer from 1 to 9223372036854775807\)/,
    );
    expect(() => usage.record('openai', { credentialId: '9223372036854775808' })).toThrow(InvalidInputError);
    for (let i = 0; i < 100; i++) usage.record('openai', { credentialId: credential.id, inputTokens: 1 });
    // Leading zeros name the same row: one tally entry, or one UPDATE … FROM would count only one of them.
    usage.record('openai', { credentialId: `000${credential.id}`, inputTokens: 1 });
    await usage.flush();
    expect(await counters(registry.dataSource, 'openai')).toMatchObject({ provider_count: 101, credential_count: 101, input_tokens: 101 });
  });

  it('adds sums past 2^53 exactly, in memory and in the bigint columns', async () => {
    registry = await perTest.start();
    const credential = await registry.get(CredentialsService).store('openai', { apiKey: OPENAI_KEY });
    const usage = registry.get(UsageService);
    const records = 2 ** 22 + 1;
    for (let i = 0; i < records; i++) {
      usage.record('openai', { requests: MAX_RECORD_AMOUNT, inputTokens: MAX_RECORD_AMOUNT, outputTokens: 1, credentialId: credential.id });
    }
    const exact = (BigInt(MAX_RECORD_AMOUNT) * BigInt(records)).toString();
    expect(BigInt(exact) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect((await usage.getUsage()).find((u) => u.provider === 'openai')).toMatchObject({ usageCount: '0', pending: exact });
    await usage.flush();
    // Once more on top, so the database's own addition also runs past 2^53.
    usage.record('openai', { requests: 1, credentialId: credential.id });
    await usage.flush();
    const plusOne = (BigInt(exact) + 1n).toString();
    const [row] = await registry.dataSource.query(
      `SELECT p.usage_count::text AS provider_count, c.usage_count::text AS credential_count, c.input_tokens::text AS input_tokens, c.output_tokens::text AS output_tokens
       FROM provider_configs p JOIN ai_credentials c ON c.provider_config_id = p.id WHERE p.provider = 'openai'`,
    );
    expect(row).toEqual({ provider_count: plusOne, credential_count: plusOne, input_tokens: exact, output_tokens: String(records) });
    expect((await usage.getUsage()).find((u) => u.provider === 'openai')).toMatchObject({ usageCount: plusOne, pending: '0' });
  });

  it('leaves out only the entries the database refuses for good, logs them with counts, and writes the rest', async () => {
    registry = await perTest.start();
    const credential = await registry.get(CredentialsService).store('openai', { apiKey: OPENAI_KEY });
    const usage = registry.get(UsageService);
    // Rows already near the top of bigint (written by another tool): adding to them is out of range.
    await registry.dataSource.query(`UPDATE provider_configs SET usage_count = 9223372036854775000 WHERE provider = 'anthropic'`);
    await registry.dataSource.query(`UPDATE ai_credentials SET input_tokens = 9223372036854775000 WHERE id = $1`, [credential.id]);
    for (let i = 0; i < 5; i++) {
      usage.record('anthropic', { requests: 1000 });
      usage.record('ollama', { requests: 2 });
      usage.record('openai', { inputTokens: 1000, credentialId: credential.id });
      usage.record('openrouter');
    }
    const logs = captureLogs();
    try {
      await usage.flush();
    } finally {
      logs.restore();
    }
    const [anthropic] = await registry.dataSource.query(`SELECT usage_count::text AS n FROM provider_configs WHERE provider = 'anthropic'`);
    expect(anthropic.n).toBe('9223372036854775000');
    await registry.dataSource.query(`UPDATE provider_configs SET usage_count = 0 WHERE provider = 'anthropic'`);
    expect(await providerCounts(registry.dataSource)).toEqual({ ollama: 10, openai: 5, openrouter: 5 });
    const [cred] = await registry.dataSource.query(
      `SELECT usage_count::int AS n, input_tokens::text AS tokens FROM ai_credentials WHERE id = $1`,
      [credential.id],
    );
    expect(cred).toEqual({ n: 0, tokens: '9223372036854775000' });
    const dropped = logs.lines.filter((line) => /left out/.test(line));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatch(/^error: Usage flush \S+ left out 1 of 4 provider entries and 1 of 1 credential entries/);
    expect(dropped[0]).toMatch(/provider_configs anthropic \(\+5000 requests.*22003/);
    expect(dropped[0]).toMatch(new RegExp(`ai_credentials ${credential.id} \\(\\+5 requests, \\+5000 input`));
    expect(usage.pendingUsage().entries).toBe(0);
    // Nothing is stuck behind them.
    usage.record('ollama');
    await usage.flush();
    expect((await providerCounts(registry.dataSource)).ollama).toBe(11);
  });

  it('prunes ledger rows older than a day and keeps the recent ones', async () => {
    registry = await perTest.start();
    const usage = registry.get(UsageService);
    await registry.dataSource.query(
      `INSERT INTO usage_flushes (id, flushed_at) VALUES
         ('00000000-0000-4000-8000-000000000001', now() - interval '25 hours'),
         ('00000000-0000-4000-8000-000000000002', now() - interval '23 hours')`,
    );
    usage.record('openai');
    await usage.flush();
    const rows: Array<{ id: string }> = await registry.dataSource.query(`SELECT id FROM usage_flushes ORDER BY flushed_at`);
    expect(rows.map((r) => r.id)).toEqual(['00000000-0000-4000-8000-000000000002', expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });

  // Two instances with pools of their own, so their writes are concurrent transactions on one row. The
  // embedded database is one session where no two statements overlap: the races this is about cannot happen there.
  (onRealPostgres ? it : it.skip)(
    "never loses an update when two instances' enable/disable, usage flushes and health writes hit one row at once",
    async () => {
      registry = await perTest.start();
      const other = await perTest.start();
      try {
        const rounds = 40;
        const writers: Promise<unknown>[] = [];
        for (let i = 0; i < rounds; i++) {
          const instance = i % 2 ? other : registry;
          instance.get(UsageService).record('openai', { requests: 2 });
          writers.push(instance.get(UsageService).flush());
          writers.push(
            i % 2 ? instance.get(ProviderConfigService).disable('openai') : instance.get(ProviderConfigService).enable('openai'),
          );
          writers.push(instance.get(HealthService).check('openai')); // no credential: writes health 'unknown' only
        }
        await Promise.all(writers);
        await registry.get(ProviderConfigService).disable('openai');
        await Promise.all([registry.get(UsageService).flush(), other.get(UsageService).flush()]);
        const row = await counters(registry.dataSource, 'openai');
        expect(row.provider_count).toBe(rounds * 2);
        expect(row.enabled).toBe(false);
        const [health] = await registry.dataSource.query(`SELECT health_status FROM provider_configs WHERE provider = 'openai'`);
        expect(health.health_status).toBe('unknown');
      } finally {
        await other.close();
      }
    },
  );
});

describeOnRealPostgres(`${UsageService.name} when connections break`, 'the proxy breaks TCP connections to a PostgreSQL server', () => {
  const perTest = freshRegistryEachTest();
  let proxy: TcpProxy;
  let check: DataSource;

  beforeEach(async () => {
    proxy = await TcpProxy.start(perTest.db.url);
    check = await perTest.db.dataSource();
  });
  afterEach(async () => {
    await proxy.close();
  });

  async function recordSpread(registry: RegistryContext, total: number): Promise<void> {
    const credential = await registry.get(CredentialsService).store('openai', { apiKey: OPENAI_KEY });
    const usage = registry.get(UsageService);
    for (let i = 0; i < total; i++) {
      if (i % 3 === 0) usage.record('openai', { inputTokens: 2, credentialId: credential.id });
      else usage.record(i % 3 === 1 ? 'anthropic' : 'ollama');
    }
  }

  it('counts a flush once when the reply to its COMMIT is lost after PostgreSQL committed', async () => {
    const registry = await startViaProxy(perTest.db, proxy);
    try {
      const usage = registry.get(UsageService);
      await recordSpread(registry, 6000);
      const cut = proxy.loseReplyTo(/^COMMIT/);
      await expect(usage.flush()).rejects.toThrow();
      expect(await cut).toBe('COMMIT');
      // It did commit: the database already holds it all, and the service cannot know that yet.
      expect(await providerCounts(check)).toEqual({ anthropic: 2000, ollama: 2000, openai: 2000 });
      expect(usage.pendingUsage()).toEqual({ entries: 4, requests: 6000n });
      const logs = captureLogs();
      try {
        await usage.flush();
      } finally {
        logs.restore();
      }
      expect(logs.lines.some((line) => /had already committed \(its reply was lost\): not adding it again/.test(line))).toBe(true);
      expect(await providerCounts(check)).toEqual({ anthropic: 2000, ollama: 2000, openai: 2000 });
      expect(await counters(check, 'openai')).toMatchObject({ credential_count: 2000, input_tokens: 4000 });
      expect(usage.pendingUsage().entries).toBe(0);
      // And the flusher carries on with what comes next.
      usage.record('ollama', { requests: 5 });
      await usage.flush();
      expect((await providerCounts(check)).ollama).toBe(2005);
    } finally {
      await registry.close();
    }
  });

  it('writes a flush once when its COMMIT never reached PostgreSQL (rolled back, then retried)', async () => {
    const registry = await startViaProxy(perTest.db, proxy);
    try {
      const usage = registry.get(UsageService);
      await recordSpread(registry, 3000);
      const cut = proxy.loseRequest(/^COMMIT/);
      await expect(usage.flush()).rejects.toThrow();
      await cut;
      expect(await providerCounts(check)).toEqual({});
      usage.record('ollama'); // recorded meanwhile: goes in the next flush, not into the one in doubt
      await usage.flush();
      expect(await providerCounts(check)).toEqual({ anthropic: 1000, ollama: 1001, openai: 1000 });
      const [{ flushes }] = await check.query(`SELECT count(*)::int AS flushes FROM usage_flushes`);
      expect(flushes).toBe(2);
    } finally {
      await registry.close();
    }
  });

  it('makes a retry wait for a COMMIT still on its way instead of reading past it', async () => {
    const registry = await startViaProxy(perTest.db, proxy);
    try {
      const usage = registry.get(UsageService);
      await recordSpread(registry, 900);
      const held = proxy.hold(/^COMMIT/);
      await expect(usage.flush()).rejects.toThrow();
      const commit = await held;
      // The first attempt's transaction is still open on the server; the retry must not decide "not committed".
      const retry = usage.flush();
      await waitFor('the retry to wait on the first attempt', async () => {
        const [{ waiting }] = await check.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return waiting > 0 ? true : undefined;
      });
      expect(await providerCounts(check)).toEqual({});
      await commit.deliver();
      await retry;
      expect(await providerCounts(check)).toEqual({ anthropic: 300, ollama: 300, openai: 300 });
      expect(usage.pendingUsage().entries).toBe(0);
    } finally {
      await registry.close();
    }
  });

  it('retries a failing flush with exponential backoff, then writes everything exactly once', async () => {
    const registry = await startViaProxy(perTest.db, proxy, { USAGE_FLUSH_MS: '20' });
    try {
      const usage = registry.get(UsageService);
      await recordSpread(registry, 600);
      proxy.refuse(true);
      const before = proxy.acceptedAt.length;
      await waitFor('six refused flush attempts', () => (proxy.acceptedAt.length - before >= 6 ? true : undefined));
      const attempts = proxy.acceptedAt.slice(before, before + 6);
      // Waits of 40, 80, 160, 320 and 640 ms separate six attempts when each failure doubles the wait
      // (1,240 ms in all); the old fixed 20 ms interval made them in ~100 ms. Load only lengthens gaps.
      const gaps = attempts.slice(1).map((at, i) => at - attempts[i]);
      expect(attempts[5] - attempts[0]).toBeGreaterThanOrEqual(1240 - 5);
      expect(gaps[4]).toBeGreaterThanOrEqual(640 - 5);
      expect(await providerCounts(check)).toEqual({});
      proxy.refuse(false);
      await waitFor('the scheduled flusher to write everything', async () =>
        (await providerCounts(check)).ollama === 200 ? true : undefined,
      );
      await usage.flush();
      expect(await providerCounts(check)).toEqual({ anthropic: 200, ollama: 200, openai: 200 });
      expect(usage.pendingUsage().entries).toBe(0);
    } finally {
      await registry.close();
    }
  });

  it('closes without throwing when the final flush cannot reach the database, says so, and still runs the later hooks', async () => {
    const registry = await startViaProxy(perTest.db, proxy, { SHUTDOWN_TIMEOUT_MS: '600' });
    const usage = registry.get(UsageService);
    for (let i = 0; i < 10; i++) usage.record('ollama', { requests: 4 });
    proxy.refuse(true);
    const logs = captureLogs();
    try {
      await expect(registry.close()).resolves.toBeUndefined();
    } finally {
      logs.restore();
    }
    expect(usage.pendingUsage()).toEqual({ entries: 1, requests: 40n });
    expect(
      logs.lines.filter((line) =>
        /^error: Final usage flush failed after \d+ attempt\(s\) within 600 ms: usage of 40 request\(s\) is not known to be written/.test(
          line,
        ),
      ),
    ).toHaveLength(1);
    // A rethrowing hook would have stopped app.close() before TypeORM's own shutdown.
    expect(registry.dataSource.isInitialized).toBe(false);
    expect(await providerCounts(check)).toEqual({});
  });

  describe('the server process', () => {
    async function startServer(databaseUrl: string, records: number) {
      const port = await freePort();
      const server = runEntry('test/support/usage-recording-server.ts', [String(records), 'openai,anthropic'], {
        ...process.env,
        DATABASE_URL: databaseUrl,
        CREDENTIALS_KEYS: testConfig(perTest.db).CREDENTIALS_KEYS,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        HEALTH_CHECK_INTERVAL_MS: '0',
        USAGE_FLUSH_MS: '600000',
        SHUTDOWN_TIMEOUT_MS: '3000',
      });
      let exitCode: number | null | undefined;
      void server.exited.then((code) => (exitCode = code));
      await waitFor(
        'the server to listen',
        async () => {
          if (exitCode !== undefined) throw new Error(`server exited with ${exitCode}:\n${server.output()}`);
          return /Listening on/.test(server.output()) && /recorded \d+ usage records/.test(server.output()) ? true : undefined;
        },
        60_000,
      );
      return server;
    }

    it('writes every record on SIGTERM and exits 0', async () => {
      const server = await startServer(perTest.db.url, 2500);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(await providerCounts(check)).toEqual({ anthropic: 2500, openai: 2500 });
    }, 90_000);

    it('exits non-zero, saying what was not written, when its final flush cannot reach the database', async () => {
      const server = await startServer(proxy.urlFor(perTest.db.url), 2500);
      proxy.refuse(true);
      server.child.kill('SIGTERM');
      const code = await server.exited;
      expect({ code, output: server.output() }).toMatchObject({ code: 1 });
      expect(server.output()).toMatch(/usage of 5000 request\(s\) is not known to be written/);
      expect(await providerCounts(check)).toEqual({});
    }, 90_000);
  });
});
