import { UnsafeUiJsonError } from '../../../src/common/json-guard/unsafe-ui-json.error';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { KeyRingError, UnknownKeyError } from '../../../src/registry/key-ring/key-ring.errors';
import { MissingCredentialsKeyError } from '../../../src/registry/key-ring/key-ring.provider';
import { ProviderConfigService } from '../../../src/registry/provider-settings/provider-config.service';
import { InvalidInputError, UnknownProviderError } from '../../../src/registry/kernel/registry.errors';
import { RegistryStateService } from '../../../src/registry/snapshot/registry-state.service';
import { RegistryContext, TEST_KEY_1, TEST_KEY_2, freshRegistryEachTest } from '../../support/registry-app';

const OPENAI_KEY = 'sk-proj-Zx81KqLmNoPq2RsTuVwXyZaBcDeF9876';
const ANTHROPIC_KEY = 'sk-ant-api03-QwErTyUiOpAsDfGhJkLzXcVbNm1234';

describe(CredentialsService.name, () => {
  const perTest = freshRegistryEachTest();
  let registry: RegistryContext;

  async function rawRows() {
    return registry!.dataSource.query(`SELECT to_jsonb(c)::text AS row FROM ai_credentials c ORDER BY id`);
  }

  it('encrypts at rest, decrypts for the caller that needs it and shows only a masked value elsewhere', async () => {
    registry = await perTest.start();
    const credentials = registry.get(CredentialsService);
    const view = await credentials.store('openai', { apiKey: OPENAI_KEY, uiMetadata: { label: 'Production' } });
    expect(view).toMatchObject({ provider: 'openai', credentialType: 'api_key', masked: 'sk-proj-…9876', keyId: 'k1', status: 'active' });
    expect(JSON.stringify(view)).not.toContain(OPENAI_KEY);

    for (const { row } of await rawRows()) {
      expect(row).not.toContain(OPENAI_KEY);
      expect(row).not.toContain('Zx81KqLm');
    }
    const [{ encrypted_credentials: envelope }] = await registry.dataSource.query(`SELECT encrypted_credentials FROM ai_credentials`);
    expect(envelope).toMatch(/^v1:k1:/);

    expect(await credentials.getActiveCredential('openai')).toMatchObject({ provider: 'openai', apiKey: OPENAI_KEY });
    const listed = await credentials.list();
    expect(listed.map((c) => c.masked)).toEqual(['sk-proj-…9876']);
    expect(JSON.stringify(listed)).not.toContain(OPENAI_KEY);

    // Upsert: a second store replaces the secret of the same (provider, type) row.
    const replaced = await credentials.store('openai', { apiKey: `${OPENAI_KEY}X` });
    expect(replaced.id).toBe(view.id);
    expect((await credentials.getActiveCredential('openai'))?.apiKey).toBe(`${OPENAI_KEY}X`);
  });

  it('links the provider config, creating it from the catalog when missing, and rejects unknown providers', async () => {
    registry = await perTest.start();
    await registry.dataSource.query(`DELETE FROM provider_configs WHERE provider = 'anthropic'`);
    // Made current here explicitly: on the shared embedded test database this process gets no notifications.
    await registry.get(RegistryStateService).reload(['anthropic']);
    const credentials = registry.get(CredentialsService);
    await credentials.store('anthropic', { apiKey: ANTHROPIC_KEY });
    const config = await registry.get(ProviderConfigService).get('anthropic');
    const [{ provider_config_id }] = await registry.dataSource.query(
      `SELECT provider_config_id FROM ai_credentials WHERE provider = 'anthropic'`,
    );
    expect(provider_config_id).toBe(config.id);
    expect(config.displayName).toBe('Anthropic');

    await expect(credentials.store('nope', { apiKey: OPENAI_KEY })).rejects.toThrow(UnknownProviderError);
    expect(await credentials.list({ provider: 'nope' })).toEqual([]);
  });

  it('honours enabled status, the active flag and expiry in getActiveCredential', async () => {
    registry = await perTest.start();
    const credentials = registry.get(CredentialsService);
    await credentials.store('openai', { apiKey: OPENAI_KEY });
    await registry.get(ProviderConfigService).disable('openai');
    expect(await credentials.getActiveCredential('openai')).toBeNull();
    expect(await credentials.list({ enabledOnly: true })).toEqual([]);
    await registry.get(ProviderConfigService).enable('openai');
    expect(await credentials.getActiveCredential('openai')).not.toBeNull();

    await credentials.setActive('openai', false);
    expect(await credentials.getActiveCredential('openai')).toBeNull();
    expect((await credentials.list())[0].status).toBe('inactive');

    // An expired key cannot be stored (it would replace a working one); it expires in place.
    await expect(credentials.store('openai', { apiKey: OPENAI_KEY, expiresAt: new Date(Date.now() - 1000) })).rejects.toMatchObject({
      field: 'expiresAt',
    });
    expect((await credentials.list())[0].status).toBe('inactive'); // unchanged by the refused store
    await credentials.store('openai', { apiKey: OPENAI_KEY, expiresAt: new Date(Date.now() + 60_000) });
    await registry.dataSource.query(`UPDATE ai_credentials SET expires_at = now() - interval '1 second' WHERE provider = 'openai'`);
    expect(await credentials.getActiveCredential('openai')).toBeNull();
    expect((await credentials.list())[0].status).toBe('expired');
  });

  it('rotates every row to the active key in batches, and old rows decrypt meanwhile', async () => {
    registry = await perTest.start({ CREDENTIALS_KEYS: `k1:${TEST_KEY_1}` });
    for (const provider of ['openai', 'anthropic', 'openrouter']) {
      await registry.get(CredentialsService).store(provider, { apiKey: `sk-${provider}-0123456789abcdefghij` });
    }
    await registry.close();

    registry = await perTest.start({ CREDENTIALS_KEYS: `k2:${TEST_KEY_2},k1:${TEST_KEY_1}` });
    const credentials = registry.get(CredentialsService);
    expect((await credentials.getActiveCredential('anthropic'))?.apiKey).toBe('sk-anthropic-0123456789abcdefghij');
    expect((await credentials.list()).map((c) => c.keyId)).toEqual(['k1', 'k1', 'k1']);

    expect(await credentials.rotate({ batchSize: 2 })).toEqual({ rotated: 3, alreadyCurrent: 0, failed: [] });
    expect((await credentials.list()).map((c) => c.keyId)).toEqual(['k2', 'k2', 'k2']);
    expect(await credentials.rotate()).toEqual({ rotated: 0, alreadyCurrent: 3, failed: [] });
    await registry.close();

    // The old key can now be dropped.
    registry = await perTest.start({ CREDENTIALS_KEYS: `k2:${TEST_KEY_2}` });
    expect((await registry.get(CredentialsService).getActiveCredential('openrouter'))?.apiKey).toBe('sk-openrouter-0123456789abcdefghij');
  });

  it('gives a clear error naming the credential and key id when the key ring cannot decrypt', async () => {
    registry = await perTest.start({ CREDENTIALS_KEYS: `k1:${TEST_KEY_1}` });
    const stored = await registry.get(CredentialsService).store('openai', { apiKey: OPENAI_KEY });
    await registry.close();

    registry = await perTest.start({ CREDENTIALS_KEYS: `k9:${TEST_KEY_2}` });
    const credentials = registry.get(CredentialsService);
    const attempt = credentials.getActiveCredential('openai');
    await expect(attempt).rejects.toThrow(UnknownKeyError);
    await expect(attempt).rejects.toThrow(/"k1"/);
    await expect(attempt).rejects.toThrow(new RegExp(`credential ${stored.id}`));
    const [listed] = await credentials.list();
    expect(listed.masked).toBeNull();
    expect(listed.decryptError).toMatch(/k1/);

    // Same key id, different key material: authentication fails, never garbage.
    await registry.close();
    registry = await perTest.start({ CREDENTIALS_KEYS: `k1:${TEST_KEY_2}` });
    await expect(registry.get(CredentialsService).getActiveCredential('openai')).rejects.toThrow(/credential .*openai/);
  });

  it('rejects bad input with the field and rule, and changes nothing', async () => {
    registry = await perTest.start();
    const credentials = registry.get(CredentialsService);
    await expect(credentials.store('openai', { apiKey: '' })).rejects.toThrow(InvalidInputError);
    await expect(credentials.store('openai', { apiKey: OPENAI_KEY, baseUrl: 'http://169.254.169.254/v1' })).rejects.toThrow(/baseUrl/);
    await expect(credentials.store('openai', { apiKey: OPENAI_KEY, credentialType: 'Bad Type' })).rejects.toThrow(/credentialType/);

    const secretKey = credentials.store('openai', { apiKey: OPENAI_KEY, uiMetadata: { display: { api_key: 'x' } } });
    await expect(secretKey).rejects.toThrow(UnsafeUiJsonError);
    await expect(secretKey).rejects.toThrow(/ui_metadata/);
    const secretValue = credentials.store('openai', { apiKey: OPENAI_KEY, uiMetadata: { notes: [OPENAI_KEY] } });
    await expect(secretValue).rejects.toThrow(/ui_metadata\.notes\[0\]/);
    await expect(secretValue).rejects.not.toThrow(OPENAI_KEY);
    const deep = credentials.store('openai', { apiKey: OPENAI_KEY, uiMetadata: { a: { b: { c: { d: { e: 1 } } } } } });
    await expect(deep).rejects.toThrow(/too-deep/);
    const big = credentials.store('openai', { apiKey: OPENAI_KEY, uiMetadata: { text: 'word '.repeat(2000) } });
    await expect(big).rejects.toThrow(/too-large/);
    expect(await rawRows()).toEqual([]);

    await credentials.store('openai', { apiKey: OPENAI_KEY, uiMetadata: { label: 'ok' } });
    await expect(credentials.updateUIMetadata('openai', { token: 'abc' })).rejects.toThrow(UnsafeUiJsonError);
    expect(await credentials.getUIMetadata('openai')).toEqual({ label: 'ok' });
    await credentials.updateUIMetadata('openai', { label: 'Primary', color: '#10a37f' });
    expect(await credentials.getUIMetadata('openai')).toEqual({ label: 'Primary', color: '#10a37f' });
  });

  it('stores the mask with the secret; a row stored before masks is masked by decrypting until rotate-key fills it in', async () => {
    registry = await perTest.start();
    const credentials = registry.get(CredentialsService);
    await credentials.store('openai', { apiKey: OPENAI_KEY });
    await credentials.store('anthropic', { apiKey: ANTHROPIC_KEY });
    const masks = () => registry.dataSource.query(`SELECT provider, key_mask FROM ai_credentials ORDER BY provider`);
    expect(await masks()).toEqual([
      { provider: 'anthropic', key_mask: 'sk-ant-…1234' },
      { provider: 'openai', key_mask: 'sk-proj-…9876' },
    ]);

    // As a row stored before the column existed: the same masked value, by decrypting it.
    await registry.dataSource.query(`UPDATE ai_credentials SET key_mask = NULL WHERE provider = 'openai'`);
    const version = await credentials.version('openai', 'api_key');
    expect((await credentials.list()).map((c) => c.masked)).toEqual(['sk-ant-…1234', 'sk-proj-…9876']);

    // rotate-key fills it in, leaving the row's version (and the secret's envelope) as they were.
    expect(await credentials.rotate()).toEqual({ rotated: 0, alreadyCurrent: 2, failed: [] });
    expect(await masks()).toEqual([
      { provider: 'anthropic', key_mask: 'sk-ant-…1234' },
      { provider: 'openai', key_mask: 'sk-proj-…9876' },
    ]);
    expect(await credentials.version('openai', 'api_key')).toBe(version);
  });

  it('refuses to boot on a real PostgreSQL without a key ring, and on a malformed one', async () => {
    await expect(perTest.start({ CREDENTIALS_KEYS: '' })).rejects.toThrow(MissingCredentialsKeyError);
    const malformed = perTest.start({ CREDENTIALS_KEYS: 'k1:c2hvcnQ=' });
    await expect(malformed).rejects.toThrow(KeyRingError);
    await expect(malformed).rejects.toThrow(/32 bytes/);
  });
});
