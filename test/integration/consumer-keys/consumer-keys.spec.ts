import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { ConsumerKeyCache } from '../../../src/registry/consumer-keys/consumer-key-cache';
import { ConsumerKeyRepository } from '../../../src/registry/consumer-keys/consumer-key.repository';
import { ConsumerKeyNameTakenError, ConsumerKeyNotFoundError } from '../../../src/registry/consumer-keys/consumer-key.errors';
import { consumerMayUse } from '../../../src/registry/consumer-keys/consumer-key.rules';
import { ConsumerKeysService } from '../../../src/registry/consumer-keys/consumer-keys.service';
import { NO_LIMITS } from '../../../src/registry/consumer-keys/consumer-key-limits.rules';
import { InvalidInputError } from '../../../src/registry/kernel/registry.errors';
import { RegistryContext, freshRegistryEachTest } from '../../support/registry-app';
import { waitFor } from '../../support/server-process';
import { describeOnRealPostgres, itOnRealPostgres } from '../../support/test-database';

/** Resync off: what another instance sees arrived through a notification, not the periodic reload. */
const NO_RESYNC = { REGISTRY_RESYNC_MS: '0' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A plain pg client, as psql would write: none of our code in its path. */
async function outsider(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'psql' });
  client.on('error', () => undefined); // the per-test database is dropped WITH (FORCE)
  await client.connect();
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('consumer keys (service and cache, on the real database)', () => {
  const perTest = freshRegistryEachTest();
  let registry: RegistryContext;
  let keys: ConsumerKeysService;
  let cache: ConsumerKeyCache;

  beforeEach(async () => {
    // Read-your-writes never waits for a write's own notification: ignored here, so that on PostgreSQL
    // too (where it arrives within milliseconds) these tests see only what write() itself does.
    jest.spyOn(ConsumerKeyCache.prototype as unknown as { onNotification(payload: string): void }, 'onNotification').mockReturnValue();
    registry = await perTest.start(NO_RESYNC);
    keys = registry.get(ConsumerKeysService);
    cache = registry.get(ConsumerKeyCache);
  });

  afterEach(() => jest.restoreAllMocks());

  it('creates a key shown once: only its hash and prefix are stored, and it authenticates at once with no query', async () => {
    const { key, view } = await keys.create({ name: 'billing-svc', models: ['openai/gpt-4o-mini', 'openrouter/openai/gpt-4o'] });
    expect(key).toMatch(/^sk-reg-[A-Za-z0-9_-]{43}$/);
    expect(view).toMatchObject({
      name: 'billing-svc',
      prefix: key.slice(0, 12),
      models: ['openai/gpt-4o-mini', 'openrouter/openai/gpt-4o'],
      expiresAt: null,
      revokedAt: null,
      status: 'active',
    });
    expect(view).not.toHaveProperty('keyHash');
    expect(JSON.stringify(view)).not.toContain(key);

    const rows = await registry.dataSource.query(`SELECT row_to_json(k)::text AS row, key_hash FROM consumer_keys k`);
    expect(rows).toHaveLength(1);
    expect(rows[0].key_hash).toBe(sha256(key));
    expect(rows[0].row).not.toContain(key);

    const queries = jest.spyOn(registry.dataSource, 'query');
    const consumer = cache.authenticate(key);
    expect(consumer).toEqual({
      id: view.id,
      name: 'billing-svc',
      models: ['openai/gpt-4o-mini', 'openrouter/openai/gpt-4o'],
      limits: NO_LIMITS,
    });
    expect(cache.authenticate(key)).toBe(consumer); // the same frozen object every call
    expect(Object.isFrozen(consumer)).toBe(true);
    expect(consumerMayUse(consumer!, 'openai', 'gpt-4o-mini')).toBe(true);
    expect(consumerMayUse(consumer!, 'openrouter', 'openai/gpt-4o')).toBe(true);
    expect(consumerMayUse(consumer!, 'openai', 'gpt-4o')).toBe(false);
    expect(queries).not.toHaveBeenCalled();

    const unlimited = await keys.create({ name: 'batch-jobs' });
    expect(unlimited.view.models).toBeNull();
    expect(consumerMayUse(cache.authenticate(unlimited.key)!, 'anthropic', 'claude-3-5-haiku-latest')).toBe(true);
  });

  it('refuses what is not a live key: unknown, malformed, another key’s prefix, an API token', async () => {
    const { key } = await keys.create({ name: 'svc' });
    const other = `sk-reg-${'A'.repeat(43)}`;
    for (const presented of [
      other,
      '',
      'sk-reg-',
      key.slice(0, -1),
      `${key}x`,
      key.toUpperCase(),
      ` ${key}`,
      'reg_' + key.slice(7),
      'x'.repeat(100_000),
    ]) {
      expect(cache.authenticate(presented)).toBeNull();
    }
    expect(cache.authenticate(key)).not.toBeNull();
  });

  it('revoke by name or id is refused at once by this process, and a second revoke finds nothing live', async () => {
    const a = await keys.create({ name: 'svc-a' });
    const b = await keys.create({ name: 'svc-b', models: ['anthropic/claude-3-5-haiku-latest'] });
    const revoked = await keys.revoke('svc-a');
    expect(revoked).toMatchObject({ id: a.view.id, name: 'svc-a', status: 'revoked' });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(cache.authenticate(a.key)).toBeNull();
    expect(cache.authenticate(b.key)).not.toBeNull();

    await keys.revoke(b.view.id);
    expect(cache.authenticate(b.key)).toBeNull();

    for (const again of ['svc-a', b.view.id, 'never-was', '999999']) {
      const error = await rejection(keys.revoke(again));
      expect(error).toBeInstanceOf(ConsumerKeyNotFoundError);
      expect(error.message).toContain(JSON.stringify(again));
    }
    const bad = await rejection(keys.revoke('99999999999999999999'));
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect(await rejection(keys.revoke('Has Spaces\n'))).toBeInstanceOf(ConsumerKeyNotFoundError);

    const listed = await keys.list();
    expect(listed.map((k) => [k.name, k.status])).toEqual([
      ['svc-a', 'revoked'],
      ['svc-b', 'revoked'],
    ]);
    expect(JSON.stringify(listed)).not.toMatch(new RegExp(`${a.key}|${b.key}|${sha256(a.key)}|${sha256(b.key)}`));
  });

  it('refuses an expired key against the clock at each call, with no reload', async () => {
    const start = Date.now();
    const { key, view } = await keys.create({ name: 'short-lived', expiresAt: new Date(start + 60_000) });
    expect(view.expiresAt).toEqual(new Date(start + 60_000));
    expect(cache.authenticate(key)).not.toBeNull();
    const now = jest.spyOn(Date, 'now').mockReturnValue(start + 60_000);
    expect(cache.authenticate(key)).toBeNull();
    now.mockReturnValue(start + 59_999);
    expect(cache.authenticate(key)).not.toBeNull();
    now.mockReturnValue(start + 120_000);
    expect((await keys.list())[0].status).toBe('expired');
  });

  it('checks its input: the name rule, provider/model entries, an expiry in the future, a name not taken', async () => {
    const cases: Array<[Parameters<ConsumerKeysService['create']>[0], string, RegExp]> = [
      [{ name: 'Billing Svc' }, 'name', /1-100 of a-z/],
      [{ name: '123' }, 'name', /not all digits/],
      [{ name: 'svc', models: [] }, 'models', /at least one/],
      [{ name: 'svc', models: ['openai/gpt-4o', 'gpt-4o'] }, 'models', /entry 2 must be provider\/model/],
      [{ name: 'svc', models: ['Open AI/gpt-4o'] }, 'models', /entry 1 .*provider must match/],
      [{ name: 'svc', models: ['openai/gpt 4o'] }, 'models', /whitespace/],
      [{ name: 'svc', expiresAt: new Date(Date.now() - 1000) }, 'expiresAt', /in the future/],
    ];
    for (const [input, field, rule] of cases) {
      const error = await rejection(keys.create(input));
      expect({ input, error: error.constructor.name, field: (error as InvalidInputError).field }).toEqual({
        input,
        error: 'InvalidInputError',
        field,
      });
      expect(error.message).toMatch(rule);
    }
    expect(await registry.dataSource.query('SELECT count(*)::int AS n FROM consumer_keys')).toEqual([{ n: 0 }]);

    await keys.create({ name: 'svc' });
    expect(await rejection(keys.create({ name: 'svc' }))).toBeInstanceOf(ConsumerKeyNameTakenError);
    await keys.revoke('svc');
    expect(await rejection(keys.create({ name: 'svc' }))).toBeInstanceOf(ConsumerKeyNameTakenError); // revoked names stay taken
  });

  it('a new instance loads every live key at start; revoked ones stay refused', async () => {
    const live = await keys.create({ name: 'live', models: ['openai/gpt-4o-mini'] });
    const gone = await keys.create({ name: 'gone' });
    await keys.revoke('gone');
    await registry.close();
    const restarted = await perTest.start(NO_RESYNC);
    const restartedCache = restarted.get(ConsumerKeyCache);
    expect(restartedCache.loaded).toBe(true);
    expect(restartedCache.size).toBe(1);
    expect(restartedCache.authenticate(live.key)).toEqual({
      id: live.view.id,
      name: 'live',
      models: ['openai/gpt-4o-mini'],
      limits: NO_LIMITS,
    });
    expect(restartedCache.authenticate(gone.key)).toBeNull();
  });

  it('read-your-writes: a revoke that returns while a stale full reload is in flight is still refused', async () => {
    const { key } = await keys.create({ name: 'svc' });
    const findLive = ConsumerKeyRepository.prototype.findLive;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The reload reads the key as live, then takes its time: its answer is older than the revoke below.
    jest.spyOn(ConsumerKeyRepository.prototype, 'findLive').mockImplementationOnce(async function (this: ConsumerKeyRepository) {
      const rows = await findLive.call(this);
      await held;
      return rows;
    });
    const resync = cache.resync();
    await new Promise((r) => setTimeout(r, 50));
    const revoking = keys.revoke('svc');
    await new Promise((r) => setTimeout(r, 50));
    release();
    await revoking;
    expect(cache.authenticate(key)).toBeNull();
    await resync;
    expect(cache.authenticate(key)).toBeNull();
  });

  it('never puts its own older write over a newer change that a reload begun after the write already read', async () => {
    const { key } = await keys.create({ name: 'svc' });
    const psql = await outsider(perTest.db.url);
    const revoke = ConsumerKeyRepository.prototype.revoke;
    try {
      // Our revoke commits; then someone restores the key, and a reload reads that, before our reply is handled.
      jest.spyOn(ConsumerKeyRepository.prototype, 'revoke').mockImplementationOnce(async function (this: ConsumerKeyRepository, by) {
        const row = await revoke.call(this, by);
        await psql.query(`UPDATE consumer_keys SET revoked_at = NULL WHERE name = 'svc'`);
        await cache.resync();
        return row;
      });
      await keys.revoke('svc');
      expect(await registry.dataSource.query(`SELECT revoked_at FROM consumer_keys`)).toEqual([{ revoked_at: null }]);
      expect(cache.authenticate(key)).not.toBeNull(); // as the database has it, not as our reply said
    } finally {
      await psql.end();
    }
  });

  it('read-your-writes under load: after each create and revoke returns, this process agrees, while reloads run', async () => {
    let stop = false;
    const reloads = (async () => {
      let n = 0;
      while (!stop) {
        await cache.resync();
        n++;
      }
      return n;
    })();
    for (let round = 0; round < 20; round++) {
      const { key, view } = await keys.create({ name: `svc-${round}` });
      expect(cache.authenticate(key)).toMatchObject({ id: view.id });
      await keys.revoke(view.id);
      expect(cache.authenticate(key)).toBeNull();
    }
    stop = true;
    expect(await reloads).toBeGreaterThan(0);
  });

  it('keeps answering from what it holds while the database fails a reload, and its own writes still apply', async () => {
    const { key } = await keys.create({ name: 'svc' });
    jest.spyOn(ConsumerKeyRepository.prototype, 'findLive').mockRejectedValue(new Error('database is down'));
    await cache.resync(); // never rejects: logged, and retried
    expect(cache.authenticate(key)).not.toBeNull();
    await keys.revoke('svc');
    expect(cache.authenticate(key)).toBeNull();
    const created = await keys.create({ name: 'while-failing' });
    expect(cache.authenticate(created.key)).not.toBeNull();
  });
});

describeOnRealPostgres(
  'consumer keys across instances, through the database’s notifications',
  'this process reaches the shared embedded test database through its owner, which alone sees notifications (test/process/consumer-keys covers the embedded database)',
  () => {
    const perTest = freshRegistryEachTest();
    let psql: Client | undefined;

    afterEach(async () => {
      await psql?.end().catch(() => undefined);
      psql = undefined;
    });

    async function arrival(what: string, check: () => boolean): Promise<number> {
      const started = performance.now();
      await waitFor(what, () => (check() ? true : undefined), 10_000);
      return Math.round(performance.now() - started);
    }

    it('a key created and then revoked on one instance is accepted, then refused, by the other', async () => {
      const a = await perTest.start(NO_RESYNC);
      const b = await perTest.start(NO_RESYNC);
      const { key, view } = await a.get(ConsumerKeysService).create({ name: 'svc', models: ['openai/gpt-4o-mini'] });
      const created = await arrival('the other instance to accept the key', () => b.get(ConsumerKeyCache).authenticate(key) !== null);
      expect(b.get(ConsumerKeyCache).authenticate(key)).toEqual({
        id: view.id,
        name: 'svc',
        models: ['openai/gpt-4o-mini'],
        limits: NO_LIMITS,
      });

      await a.get(ConsumerKeysService).revoke('svc');
      const revoked = await arrival('the other instance to refuse the key', () => b.get(ConsumerKeyCache).authenticate(key) === null);
      process.stdout.write(`consumer key on another instance: created → accepted ${created} ms, revoked → refused ${revoked} ms\n`);
    });

    it('writes from psql reach every instance: revoke, restore, a new model list, an expiry, delete, TRUNCATE', async () => {
      const a = await perTest.start(NO_RESYNC);
      const b = await perTest.start(NO_RESYNC);
      const one = await a.get(ConsumerKeysService).create({ name: 'one' });
      const two = await a.get(ConsumerKeysService).create({ name: 'two' });
      await arrival('both keys on b', () => b.get(ConsumerKeyCache).size === 2);
      psql = await outsider(perTest.db.url);
      const both = (check: (cache: ConsumerKeyCache) => boolean) => () => [a, b].every((r) => check(r.get(ConsumerKeyCache)));

      await psql.query(`UPDATE consumer_keys SET revoked_at = now() WHERE name = 'one'`);
      await arrival(
        'the revoke',
        both((c) => c.authenticate(one.key) === null),
      );
      await psql.query(`UPDATE consumer_keys SET revoked_at = NULL WHERE name = 'one'`);
      await arrival(
        'the restore',
        both((c) => c.authenticate(one.key) !== null),
      );
      await psql.query(`UPDATE consumer_keys SET models = '{ollama/llama3.2}' WHERE name = 'one'`);
      await arrival(
        'the model list',
        both((c) => c.authenticate(one.key)?.models?.[0] === 'ollama/llama3.2'),
      );
      await psql.query(`UPDATE consumer_keys SET expires_at = now() - interval '1 second' WHERE name = 'one'`);
      await arrival(
        'the expiry',
        both((c) => c.authenticate(one.key) === null),
      );
      await psql.query(`UPDATE consumer_keys SET expires_at = 'infinity' WHERE name = 'one'`);
      await arrival(
        'never expiring',
        both((c) => c.authenticate(one.key) !== null),
      );
      await psql.query(`DELETE FROM consumer_keys WHERE name = 'two'`);
      await arrival(
        'the delete',
        both((c) => c.authenticate(two.key) === null),
      );
      await psql.query(`TRUNCATE consumer_keys`);
      await arrival(
        'the truncate',
        both((c) => c.size === 0),
      );
    });

    it('a rolled-back write tells no one, and an update of no cached column sends nothing', async () => {
      const a = await perTest.start(NO_RESYNC);
      const { view } = await a.get(ConsumerKeysService).create({ name: 'svc' });
      psql = await outsider(perTest.db.url);
      const listener = await outsider(perTest.db.url);
      const seen: string[] = [];
      listener.on('notification', (n) => seen.push(n.payload ?? ''));
      await listener.query('LISTEN ai_registry_consumer_keys');
      try {
        await psql.query('BEGIN');
        await psql.query(`UPDATE consumer_keys SET revoked_at = now()`);
        await psql.query('ROLLBACK');
        await psql.query(`UPDATE consumer_keys SET updated_at = now(), created_at = created_at`);
        // Notifications arrive in commit order: once this marker is here, anything before it would be too.
        await psql.query(`UPDATE consumer_keys SET models = '{openai/gpt-4o}'`);
        await waitFor('the marker', () => (seen.length > 0 ? true : undefined), 10_000);
        expect(seen.map((p) => JSON.parse(p))).toEqual([{ ids: [view.id] }]);
      } finally {
        await listener.end();
      }
    });

    itOnRealPostgres(
      're-establishes a killed listener and reloads every key, seeing a revoke made while it was down',
      'the embedded database has no listener connection to kill',
      async () => {
        const a = await perTest.start(NO_RESYNC);
        const { key } = await a.get(ConsumerKeysService).create({ name: 'svc' });
        psql = await outsider(perTest.db.url);
        const killed = await psql.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
        );
        expect(killed.rowCount).toBeGreaterThan(0);
        await psql.query(`UPDATE consumer_keys SET revoked_at = now()`);
        await arrival('the reload after reconnecting', () => a.get(ConsumerKeyCache).authenticate(key) === null);
      },
    );
  },
);
