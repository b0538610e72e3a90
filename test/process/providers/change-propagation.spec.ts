import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Notification } from 'pg';
import { CHANGE_CHANNEL } from '../../../src/registry/kernel/coordination';
import { embeddedUrl } from '../../../src/embedded-postgres/embedded-url';
import { credentialAad } from '../../../src/registry/key-ring/credential-aad';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { parseKeyRing } from '../../../src/registry/key-ring/key-ring';
import { SnapshotRepository } from '../../../src/registry/snapshot/snapshot.repository';
import { ProviderConfigService } from '../../../src/registry/provider-settings/provider-config.service';
import { AvailabilityService } from '../../../src/registry/selection/availability.service';
import { ModelSelectionService } from '../../../src/registry/selection/model-selection.service';
import { RegistryContext, TEST_KEY_1, freshRegistryEachTest } from '../../support/registry-app';
import { RunningProcess, embeddedEnv, readLock, runEntry, waitFor } from '../../support/server-process';
import { describeOnRealPostgres, itOnRealPostgres } from '../../support/test-database';

const OPENAI_KEY = 'sk-proj-Zx81KqLmNoPq2RsTuVwXyZaBcDeF9876';
const ANTHROPIC_KEY = 'sk-ant-api03-QwErTyUiOpAsDfGhJkLzXcVbNm1234';
/** Resync off: whatever these tests see arrived through a change notification, not the periodic reload. */
const NO_RESYNC = { REGISTRY_RESYNC_MS: '0' };

/** A plain pg client, as psql or a legacy application would write: none of our code in its path. */
async function outsider(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'psql' });
  // The per-test database is dropped WITH (FORCE) after each test, which ends this session too.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A plain client LISTENing on the registry's channel, recording every payload it receives. */
async function listenAsOutsider(url: string): Promise<{ listener: Client; seen: string[] }> {
  const listener = await outsider(url);
  const seen: string[] = [];
  listener.on('notification', (n: Notification) => seen.push(n.payload ?? ''));
  await listener.query(`LISTEN ${CHANGE_CHANNEL}`);
  return { listener, seen };
}

/** Polls until `check` holds; returns how long it took (printed, not asserted: the machine is noisy). */
async function arrival(what: string, check: () => boolean): Promise<number> {
  const started = performance.now();
  await waitFor(what, () => (check() ? true : undefined), 10_000);
  return Math.round(performance.now() - started);
}

describeOnRealPostgres(
  'changes propagated by the database',
  'this process reaches the shared embedded test database through its owner, which alone sees notifications (the next block covers the embedded database)',
  () => {
    const perTest = freshRegistryEachTest();
    let registry: RegistryContext;
    let psql: Client;

    afterEach(async () => {
      await psql?.end().catch(() => undefined);
    });

    async function boot(): Promise<void> {
      registry = await perTest.start(NO_RESYNC);
      await registry.get(CredentialsService).store('openai', { apiKey: OPENAI_KEY });
      await registry.get(CredentialsService).store('anthropic', { apiKey: ANTHROPIC_KEY });
      psql = await outsider(perTest.db.url);
    }

    it('a write from psql to enabled, is_active or expires_at reaches the running app', async () => {
      await boot();
      const selection = registry.get(ModelSelectionService);
      const availability = registry.get(AvailabilityService);
      expect(selection.select({ modelType: 'text' }).provider).toBe('openai');

      await psql.query(`UPDATE provider_configs SET enabled = false WHERE provider = 'openai'`);
      const disabled = await arrival('the disable', () => selection.select({ modelType: 'text' }).provider !== 'openai');
      expect(availability.isProviderAvailable('openai')).toMatchObject({ available: false, reason: 'disabled' });

      await psql.query(`UPDATE provider_configs SET enabled = true WHERE provider = 'openai'`);
      await arrival('the enable', () => availability.isProviderAvailable('openai').available);

      await psql.query(`UPDATE ai_credentials SET is_active = false WHERE provider = 'openai'`);
      const inactive = await arrival('the deactivation', () => !availability.isProviderAvailable('openai').available);
      expect(availability.isProviderAvailable('openai')).toMatchObject({ reason: 'credential_inactive' });

      await psql.query(`UPDATE ai_credentials SET is_active = true, expires_at = now() + interval '1 hour' WHERE provider = 'openai'`);
      await arrival('the reactivation', () => availability.isProviderAvailable('openai').available);
      await psql.query(`UPDATE ai_credentials SET expires_at = now() - interval '1 minute' WHERE provider = 'openai'`);
      const expired = await arrival('the expiry', () => !availability.isProviderAvailable('openai').available);
      expect(availability.isProviderAvailable('openai')).toMatchObject({ reason: 'credential_expired' });
      process.stdout.write(
        `psql write → selection (${perTest.db.kind}): disable ${disabled} ms, deactivate ${inactive} ms, expire ${expired} ms\n`,
      );
    });

    it('links a credential inserted the pre-registry way (no provider_config_id, or a wrong one) and makes it usable at once', async () => {
      await boot();
      await psql.query(`DELETE FROM ai_credentials WHERE provider = 'anthropic'`);
      const availability = registry.get(AvailabilityService);
      await arrival('the delete', () => !availability.isProviderAvailable('anthropic').available);

      // What an application written before the registry does: encrypt with the shared key ring, insert.
      const envelope = parseKeyRing({ keys: `k1:${TEST_KEY_1}` }).encrypt(ANTHROPIC_KEY, credentialAad('anthropic', 'api_key'));
      const [openaiConfig] = (await psql.query(`SELECT id FROM provider_configs WHERE provider = 'openai'`)).rows;
      await psql.query(
        `INSERT INTO ai_credentials (provider, credential_type, encrypted_credentials, provider_config_id) VALUES ('anthropic', 'api_key', $1, $2)`,
        [
          envelope,
          openaiConfig.id, // disagrees with its provider: the database corrects it
        ],
      );
      const linked = await arrival('the legacy insert', () => availability.isProviderAvailable('anthropic').available);
      const [row] = (
        await psql.query(
          `SELECT c.provider_config_id = p.id AS linked FROM ai_credentials c JOIN provider_configs p ON p.provider = c.provider WHERE c.provider = 'anthropic'`,
        )
      ).rows;
      expect(row.linked).toBe(true);
      expect(await registry.get(CredentialsService).getActiveCredential('anthropic')).toMatchObject({ apiKey: ANTHROPIC_KEY });

      // A provider nobody configured yet: the database creates its config the way the backfill did.
      await psql.query(`INSERT INTO ai_credentials (provider, encrypted_credentials) VALUES ('legacy_llm', 'v1:k1:AAAA')`);
      await arrival('the new provider', () => {
        const answer = availability.isProviderAvailable('legacy_llm');
        return answer.available || answer.reason !== 'unknown_provider';
      });
      // Its envelope is not readable by this key ring: listed, but not available, and says why.
      expect(availability.isProviderAvailable('legacy_llm')).toMatchObject({ available: false, reason: 'credential_undecryptable' });
      expect((await psql.query(`SELECT display_name FROM provider_configs WHERE provider = 'legacy_llm'`)).rows).toEqual([
        { display_name: 'legacy_llm' },
      ]);
      process.stdout.write(`legacy insert → available: ${linked} ms\n`);
    });

    it('a rolled-back write notifies no one, and writes the snapshot does not hold (usage, UI JSON) send nothing', async () => {
      await boot();
      const { listener, seen } = await listenAsOutsider(perTest.db.url);
      try {
        await psql.query('BEGIN');
        await psql.query(`UPDATE provider_configs SET enabled = false WHERE provider = 'openai'`);
        await psql.query(`UPDATE ai_credentials SET is_active = false WHERE provider = 'openai'`);
        await psql.query('ROLLBACK');
        await psql.query(
          `UPDATE provider_configs SET usage_count = usage_count + 5, last_used_at = now(), ui_preferences = '{"a":1}' WHERE provider = 'openai'`,
        );
        await psql.query(`UPDATE provider_configs SET last_health_check = now(), health_latency_ms = 12 WHERE provider = 'openai'`);
        await psql.query(`UPDATE ai_credentials SET usage_count = usage_count + 5, ui_metadata = '{"b":2}' WHERE provider = 'openai'`);
        // Notifications arrive in commit order: once this marker is here, anything before it would be too.
        await psql.query(`UPDATE provider_configs SET priority = priority + 1 WHERE provider = 'anthropic'`);
        await waitFor('the marker notification', () => (seen.length > 0 ? true : undefined), 10_000);
        expect(seen).toHaveLength(1);
        expect(JSON.parse(seen[0])).toMatchObject({ providers: ['anthropic'] });
        expect(registry.get(AvailabilityService).isProviderAvailable('openai').available).toBe(true);
      } finally {
        await listener.end();
      }
    });

    it('names every provider a bulk statement touched in one notification', async () => {
      await boot();
      const { listener, seen } = await listenAsOutsider(perTest.db.url);
      try {
        await psql.query(`UPDATE provider_configs SET enabled = false WHERE provider IN ('openai', 'anthropic')`);
        await waitFor('the notification', () => (seen.length > 0 ? true : undefined), 10_000);
        expect(JSON.parse(seen[0]).providers.sort()).toEqual(['anthropic', 'openai']);
        await psql.query(`UPDATE provider_configs SET provider = 'openrouter_renamed' WHERE provider = 'openrouter'`);
        await waitFor('the rename', () => (seen.length > 1 ? true : undefined), 10_000);
        expect(JSON.parse(seen[1]).providers.sort()).toEqual(['openrouter', 'openrouter_renamed']);
        // A provider with credentials cannot be renamed: their encryption is bound to its name.
        await expect(psql.query(`UPDATE provider_configs SET provider = 'openai_renamed' WHERE provider = 'openai'`)).rejects.toThrow(
          /has credentials/,
        );
      } finally {
        await listener.end();
      }
    });

    itOnRealPostgres(
      're-establishes a killed listener connection and resynchronises what changed while it was down',
      'the embedded database has no listener connection to kill',
      async () => {
        await boot();
        const availability = registry.get(AvailabilityService);
        const killed = await psql.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
        );
        expect(killed.rowCount).toBeGreaterThan(0);
        // Written while the listener is down (or reconnecting): its notification is lost to this instance.
        await psql.query(`UPDATE provider_configs SET enabled = false WHERE provider = 'openai'`);
        await arrival('the resync after reconnecting', () => !availability.isProviderAvailable('openai').available);
        // And the re-established listener delivers again.
        await psql.query(`UPDATE provider_configs SET enabled = false WHERE provider = 'anthropic'`);
        await arrival('a notification on the new connection', () => !availability.isProviderAvailable('anthropic').available);
      },
    );

    it('converges to the database when this instance and another writer change the same provider at once', async () => {
      await boot();
      const configs = registry.get(ProviderConfigService);
      const availability = registry.get(AvailabilityService);
      const snapshotPriority = () =>
        registry
          .get(AvailabilityService)
          .getAvailableProviders()
          .find((p) => p.provider === 'openai')?.priority;
      for (let i = 0; i < 100; i++) {
        await Promise.all([
          configs.setPriority('openai', i),
          psql.query(`UPDATE provider_configs SET priority_override = $1 WHERE provider = 'openai'`, [1000 + i]),
          i % 10 === 0 ? psql.query(`UPDATE provider_configs SET enabled = NOT enabled WHERE provider = 'openai'`) : Promise.resolve(),
        ]);
      }
      await psql.query(`UPDATE provider_configs SET enabled = true WHERE provider = 'openai'`);
      const [truth] = (await psql.query(`SELECT priority_override FROM provider_configs WHERE provider = 'openai'`)).rows;
      await arrival(
        'the snapshot to match the database',
        () => availability.isProviderAvailable('openai').available && snapshotPriority() === truth.priority_override,
      );
    });

    it('survives rows written by hand that the code cannot take as they are: infinity expiry, null capabilities, TRUNCATE', async () => {
      await boot();
      const availability = registry.get(AvailabilityService);
      await psql.query(`UPDATE ai_credentials SET expires_at = 'infinity' WHERE provider = 'openai'`);
      await psql.query(`UPDATE provider_configs SET capabilities = 'null'::jsonb WHERE provider = 'anthropic'`);
      await psql.query(`UPDATE provider_configs SET priority_override = 3 WHERE provider = 'ollama'`); // a later marker
      await arrival('the marker', () => availability.getAvailableProviders().find((p) => p.provider === 'ollama')?.priority === 3);
      expect(availability.isProviderAvailable('openai')).toEqual({ available: true }); // never expires
      expect(availability.isProviderAvailable('anthropic', 'text')).toEqual({ available: true }); // the catalog's models
      expect((await registry.get(CredentialsService).list({ provider: 'openai' }))[0]).toMatchObject({ expiresAt: null, status: 'active' });
      await registry.get(ProviderConfigService).disable('openai'); // the RETURNING path reads the same row
      expect(availability.isProviderAvailable('openai')).toMatchObject({ reason: 'disabled' });

      await psql.query('TRUNCATE ai_credentials');
      await arrival('the truncate', () => {
        const anthropic = availability.isProviderAvailable('anthropic');
        return !anthropic.available && anthropic.reason === 'no_credential';
      });
    });

    it('loads every provider a transaction named, when some of its notifications arrive while this instance writes one of them', async () => {
      await boot();
      const configs = registry.get(ProviderConfigService);
      const availability = registry.get(AvailabilityService);
      for (let round = 0; round < 10; round++) {
        const enabled = round % 2 === 1;
        await Promise.all([
          configs.setPriority('openai', round),
          (async () => {
            await psql.query('BEGIN');
            await psql.query(`UPDATE provider_configs SET enabled = $1 WHERE provider IN ('anthropic', 'openai')`, [enabled]);
            await psql.query(`UPDATE ai_credentials SET ui_metadata = '{}', is_active = true WHERE provider = 'openai'`);
            await psql.query('COMMIT');
          })(),
        ]);
        await arrival('both providers as committed', () => {
          const anthropic = availability.isProviderAvailable('anthropic');
          return (anthropic.available || anthropic.reason === 'disabled') && anthropic.available === enabled;
        });
      }
    });

    it('retries a reload the database refuses, backing off (never a busy loop), and converges once it answers', async () => {
      await boot();
      const availability = registry.get(AvailabilityService);
      const attempts: number[] = [];
      const failing = jest.spyOn(SnapshotRepository.prototype, 'findSnapshotRows').mockImplementation(async () => {
        attempts.push(performance.now());
        throw new Error('database is down');
      });
      try {
        await psql.query(`UPDATE provider_configs SET enabled = false WHERE provider = 'openai'`);
        // Backing off from 250 ms: a handful of attempts, not thousands — at most 3 in the 400 ms after the
        // first, so the 4th comes later than that: wait for it, then compare the times.
        await waitFor('the 4th failed reload', () => (attempts.length >= 4 ? true : undefined), 10_000);
        expect(attempts[3] - attempts[0]).toBeGreaterThanOrEqual(400);
        expect(availability.isProviderAvailable('openai').available).toBe(true); // not loaded yet
      } finally {
        failing.mockRestore();
      }
      await arrival('the retried reload', () => !availability.isProviderAvailable('openai').available);
    });

    it('read-your-writes: after disable() returns, selection never picks that provider, while 100 other writes stream in', async () => {
      await boot();
      const configs = registry.get(ProviderConfigService);
      const selection = registry.get(ModelSelectionService);
      const availability = registry.get(AvailabilityService);
      let stop = false;
      const stream = (async () => {
        let n = 0;
        while (!stop || n < 100) {
          // Writes of other providers, from this instance and from outside, each announced by the triggers.
          await Promise.all([
            configs.setPriority('openrouter', n % 7),
            psql.query(`UPDATE provider_configs SET priority = $1 WHERE provider = 'ollama'`, [n % 5]),
          ]);
          n += 2;
        }
        return n;
      })();
      for (let round = 0; round < 20; round++) {
        await configs.disable('openai');
        expect(selection.select({ modelType: 'text' }).provider).not.toBe('openai');
        expect(availability.isProviderAvailable('openai')).toMatchObject({ available: false, reason: 'disabled' });
        await configs.enable('openai');
        expect(selection.select({ modelType: 'text' }).provider).toBe('openai');
      }
      stop = true;
      expect(await stream).toBeGreaterThanOrEqual(100);
    });
  },
);

describe('changes propagated on the embedded database, through its socket', () => {
  let dir: string;
  let owner: RunningProcess | undefined;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-propagation-'));
  });

  afterAll(async () => {
    if (owner && owner.child.exitCode === null) {
      owner.child.kill('SIGTERM');
      await owner.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a write by another client of the socket (not the owner process) reaches the owner’s selection', async () => {
    owner = runEntry(
      'test/support/embedded-owner-registry.ts',
      ['openai', OPENAI_KEY],
      embeddedEnv(dir, { ...NO_RESYNC, LOG_LEVEL: 'silent' }),
    );
    await waitFor('the owner to report openai available', () => (owner!.output().includes('openai=available') ? true : undefined), 60_000);
    const lock = readLock(dir);
    const client = await outsider(embeddedUrl(lock!.port!, lock!.secret));
    try {
      const started = performance.now();
      await client.query(`UPDATE provider_configs SET enabled = false WHERE provider = 'openai'`);
      await waitFor('the owner to see the disable', () => (owner!.output().includes('openai=disabled') ? true : undefined), 10_000);
      const ms = Math.round(performance.now() - started);
      await client.query(`UPDATE ai_credentials SET is_active = false WHERE provider = 'openai'`);
      await client.query(`UPDATE provider_configs SET enabled = true WHERE provider = 'openai'`);
      await waitFor(
        'the owner to see the deactivation',
        () => (owner!.output().includes('openai=credential_inactive') ? true : undefined),
        10_000,
      );
      process.stdout.write(`embedded socket write → owner's selection: ${ms} ms\n`);
    } finally {
      await client.end();
    }
  });
});
