import { CatalogSyncService } from '../../../src/registry/catalog-sync/catalog-sync.service';
import { capabilitiesFromCatalog } from '../../../src/registry/catalog/provider-capabilities';
import { CATALOG } from '../../../src/registry/catalog/catalog.token';
import type { Catalog } from '../../../src/registry/catalog/catalog.types';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { CredentialDecryptError } from '../../../src/registry/key-ring/key-ring.errors';
import { ProviderConfigService } from '../../../src/registry/provider-settings/provider-config.service';
import { InvalidInputError } from '../../../src/registry/kernel/registry.errors';
import { AvailabilityService } from '../../../src/registry/selection/availability.service';
import { ModelSelectionService } from '../../../src/registry/selection/model-selection.service';
import { captureLogs } from '../../support/log-capture';
import { RegistryContext, TEST_KEY_1, TEST_KEY_2, freshRegistryEachTest } from '../../support/registry-app';

const OPENAI_KEY = 'sk-proj-Zx81KqLmNoPq2RsTuVwXyZaBcDeF9876';
const ANTHROPIC_KEY = 'sk-ant-api03-QwErTyUiOpAsDfGhJkLzXcVbNm1234';

describe('credentials the key ring cannot decrypt', () => {
  const perTest = freshRegistryEachTest();
  let registry: RegistryContext;

  it('are unavailable with credential_undecryptable, skipped by selection, and named at start', async () => {
    registry = await perTest.start({ CREDENTIALS_KEYS: `k1:${TEST_KEY_1}` });
    await registry.get(CredentialsService).store('openai', { apiKey: OPENAI_KEY });
    await registry.get(CredentialsService).store('anthropic', { apiKey: ANTHROPIC_KEY });
    await registry.close();

    // A different key under the same id: every stored credential fails authentication.
    const logs = captureLogs();
    try {
      registry = await perTest.start({ CREDENTIALS_KEYS: `k1:${TEST_KEY_2}` });
    } finally {
      logs.restore();
    }
    const availability = registry.get(AvailabilityService);
    expect(availability.isProviderAvailable('openai')).toMatchObject({ available: false, reason: 'credential_undecryptable' });
    const selection = registry.get(ModelSelectionService).select({ modelType: 'text' });
    expect(selection.provider).not.toBe('openai');
    expect(selection.skipped.find((s) => s.candidate.provider === 'openai')?.reason).toBe('credential_undecryptable');
    expect(logs.lines.some((l) => /2 of 2 stored credential\(s\) cannot be decrypted/.test(l))).toBe(true);

    // An unknown key id is named.
    await registry.close();
    const unknown = captureLogs();
    try {
      registry = await perTest.start({ CREDENTIALS_KEYS: `k7:${TEST_KEY_2}` });
    } finally {
      unknown.restore();
    }
    expect(unknown.lines.some((l) => /key id\(s\) not in the key ring: k1/.test(l))).toBe(true);
    expect(await registry.get(CredentialsService).checkKeyRing()).toMatchObject({ total: 2, readable: 0, missingKeyIds: ['k1'] });
  });

  it('rotate() reports rows it cannot read (never "already current") and goes on past rows that are not envelopes', async () => {
    registry = await perTest.start({ CREDENTIALS_KEYS: `k1:${TEST_KEY_1}` });
    const credentials = registry.get(CredentialsService);
    await credentials.store('openai', { apiKey: OPENAI_KEY });
    await credentials.store('anthropic', { apiKey: ANTHROPIC_KEY });
    await credentials.store('openrouter', { apiKey: 'sk-or-v1-0123456789abcdef0123456789' });
    // Not one of our envelopes at all (a legacy writer's plaintext), in the middle of the id order.
    await registry.dataSource.query(`UPDATE ai_credentials SET encrypted_credentials = 'plain-legacy-value' WHERE provider = 'anthropic'`);
    await registry.close();

    // The same id with the wrong key for openai's row: forge it by re-encrypting under another ring.
    registry = await perTest.start({ CREDENTIALS_KEYS: `k2:${TEST_KEY_2},k1:${TEST_KEY_1}` });
    const result = await registry.get(CredentialsService).rotate({ batchSize: 1 });
    expect(result.rotated).toBe(2); // openai and openrouter
    expect(result.alreadyCurrent).toBe(0);
    expect(result.failed.map((f) => f.provider)).toEqual(['anthropic']);
    expect(result.failed[0].reason).not.toContain('plain-legacy-value');

    // A row under the active id that does not decrypt is a failure, not "already current".
    await registry.dataSource.query(
      `UPDATE ai_credentials SET encrypted_credentials = (SELECT encrypted_credentials FROM ai_credentials WHERE provider = 'openrouter') WHERE provider = 'openai'`,
    );
    const again = await registry.get(CredentialsService).rotate();
    expect(again.alreadyCurrent).toBe(1); // openrouter
    expect(again.failed.map((f) => f.provider).sort()).toEqual(['anthropic', 'openai']);
  });
});

describe('operator overrides and the catalog sync', () => {
  const perTest = freshRegistryEachTest();

  it('a sync keeps an operator’s priority and capabilities, and both values are shown', async () => {
    const registry = await perTest.start();
    const configs = registry.get(ProviderConfigService);
    const catalog = registry.get<Catalog>(CATALOG);
    const entry = catalog.providers.get('anthropic')!;
    const custom = { ...capabilitiesFromCatalog(entry), textModels: [{ id: 'claude-custom', name: 'Custom', contextLength: 1000 }] };
    await configs.setPriority('anthropic', 1);
    await configs.updateCapabilities('anthropic', custom);

    const result = await registry.get(CatalogSyncService).sync();
    expect(result.updated.map((u) => u.provider)).not.toContain('anthropic');
    expect(result.overridden).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'anthropic', field: 'priority', catalog: entry.priority, operator: 1 }),
        expect.objectContaining({ provider: 'anthropic', field: 'capabilities' }),
      ]),
    );
    const view = await configs.get('anthropic');
    expect(view).toMatchObject({ priority: 1, catalogPriority: entry.priority, priorityOverride: 1 });
    expect(view.capabilities).toMatchObject({ textModels: [{ id: 'claude-custom' }] });
    expect(view.catalogCapabilities).toMatchObject({
      textModels: expect.arrayContaining([expect.objectContaining({ id: entry.textModels[0].id })]),
    });
    const availability = registry.get(AvailabilityService);
    expect(availability.getAvailableModels('text').some((m) => m.model === 'claude-custom')).toBe(false); // no credential yet
    await registry.get(CredentialsService).store('anthropic', { apiKey: ANTHROPIC_KEY });
    expect(
      availability
        .getAvailableModels('text')
        .filter((m) => m.provider === 'anthropic')
        .map((m) => m.model),
    ).toEqual(['claude-custom']);

    // Cleared overrides fall back to what the catalog says.
    await configs.setPriority('anthropic', null);
    await configs.updateCapabilities('anthropic', null);
    expect(await configs.get('anthropic')).toMatchObject({ priority: entry.priority, priorityOverride: null, capabilitiesOverride: null });
  });
});

describe('keys sent only where they belong', () => {
  const perTest = freshRegistryEachTest();

  it('validates a base URL inside metadata like the top-level one', async () => {
    const registry = await perTest.start();
    const credentials = registry.get(CredentialsService);
    for (const url of ['http://169.254.169.254/latest', 'file:///etc/passwd', 'javascript:alert(1)']) {
      await expect(credentials.store('openai', { apiKey: OPENAI_KEY, metadata: { baseUrl: url } })).rejects.toMatchObject({
        field: 'metadata.baseUrl',
      });
    }
    await expect(credentials.store('openai', { apiKey: OPENAI_KEY, metadata: { baseUrl: 42 } as never })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(await credentials.list()).toEqual([]);
  });

  it('a base URL changed in the database (not through the registry) makes the key unreadable, so it is sent nowhere', async () => {
    const registry = await perTest.start();
    const credentials = registry.get(CredentialsService);
    await credentials.store('openai', { apiKey: OPENAI_KEY, baseUrl: 'https://openai-proxy.internal.example/v1' });
    expect(await credentials.getActiveCredential('openai')).toMatchObject({ baseUrl: 'https://openai-proxy.internal.example/v1' });

    for (const sql of [
      `UPDATE ai_credentials SET metadata = '{"baseUrl":"https://attacker.example/v1"}' WHERE provider = 'openai'`,
      `UPDATE ai_credentials SET metadata = NULL WHERE provider = 'openai'`, // falling back to the catalog's URL is a change too
    ]) {
      await registry.dataSource.query(sql);
      await expect(credentials.getActiveCredential('openai')).rejects.toBeInstanceOf(CredentialDecryptError);
      await expect(credentials.getActiveCredential('openai')).rejects.not.toThrow(OPENAI_KEY);
    }
    // Storing the key again for the new destination is the way to move it.
    await credentials.store('openai', { apiKey: OPENAI_KEY, baseUrl: 'https://attacker.example/v1'.replace('attacker', 'new-proxy') });
    expect(await credentials.getActiveCredential('openai')).toMatchObject({ apiKey: OPENAI_KEY, baseUrl: 'https://new-proxy.example/v1' });
  });
});
