import { Inject, Injectable, Logger } from '@nestjs/common';
import { assertSafeUiJson } from '../../common/json-guard/validate-ui-json';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { capabilitiesFromCatalog } from '../catalog/provider-capabilities';
import type { AICredential, CredentialMetadata, UiMetadata } from '../entities/ai-credential.entity';
import { validateBaseUrlField } from '../health/base-url.policy';
import { ProviderConfigRepository } from '../provider-configs/provider-config.repository';
import { CredentialNotFoundError, InvalidInputError, StaleVersionError, UnknownProviderError } from '../providers.errors';
import { RegistryStateService } from '../selection/registry-state.service';
import { assertProviderName, assertProviderSlug } from '../provider-configs/provider-input.rules';
import { credentialAad, destinationOf } from './credential-aad';
import { assertApiKey, assertCredentialType, assertExpiresAt } from './credential-input.rules';
import { CredentialRepository } from './credential.repository';
import {
  ActiveCredential,
  CredentialView,
  DEFAULT_CREDENTIAL_TYPE,
  KeyRingCheck,
  RotationResult,
  StoreCredentialInput,
} from './credential.types';
import { KEY_RING } from './key-ring.provider';
import { KeyRing } from './key-ring';
import { CredentialDecryptError, UnknownKeyError } from './key-ring.errors';
import { maskSecret } from './mask-secret';

/**
 * Encrypted credentials. Plaintext exists only inside store() and in what getActiveCredential()
 * hands to the probe or host that calls the provider; everything else sees a masked value.
 */
@Injectable()
export class CredentialsService {
  private readonly logger = new Logger(CredentialsService.name);

  constructor(
    private readonly credentials: CredentialRepository,
    private readonly configs: ProviderConfigRepository,
    @Inject(KEY_RING) private readonly keyRing: KeyRing,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly state: RegistryStateService,
  ) {}

  /** Creates or replaces the provider's credential of that type (one per provider and type). */
  async store(provider: string, input: StoreCredentialInput): Promise<CredentialView> {
    return this.write(provider, input, null);
  }

  /**
   * store(); for update(), `kept` is the stored credential when its secret is not being replaced: its
   * envelope is kept while it still fits (the same destination), so the ciphertext changes only with
   * the secret and the audit trail never shows a replaced secret for a changed setting.
   */
  private async write(
    provider: string,
    input: StoreCredentialInput,
    kept: AICredential | null,
    expectedVersion?: string,
  ): Promise<CredentialView & { version: string }> {
    assertProviderSlug(provider);
    const credentialType = assertCredentialType(input.credentialType);
    const entry = this.catalog.providers.get(provider);
    const known = this.state.current().providers.get(provider);
    const requiresApiKey = entry?.requiresApiKey ?? known?.credential !== 'not_required';
    const apiKey = assertApiKey(input.apiKey, requiresApiKey);
    const expiresAt = assertExpiresAt(input.expiresAt, new Date());
    const metadata = this.metadataWithBaseUrl(input.metadata, input.baseUrl);
    const uiMetadata = input.uiMetadata ?? {};
    assertSafeUiJson(uiMetadata, 'ui_metadata');
    if (!entry && !known && !(await this.configs.findBySlugWithCredentials(provider))) throw new UnknownProviderError(provider);

    // The config row first (from the catalog, for a provider stored before any sync): the database
    // links the credential to it, and would otherwise create a bare one named after the slug.
    const configXid =
      !known && entry
        ? await this.configs.insertIfMissing({
            provider,
            displayName: entry.displayName,
            priority: entry.priority,
            capabilities: capabilitiesFromCatalog(entry),
          })
        : null;
    const aad = credentialAad(provider, credentialType, destinationOf(metadata));
    const encryptedCredentials = kept && this.aadOf(kept) === aad ? kept.encryptedCredentials : this.keyRing.encrypt(apiKey, aad);
    const written = await this.state.write(this.snapshotProviders(provider, credentialType, configXid !== null), async () => {
      const upserted = await this.credentials.upsert({
        provider,
        credentialType,
        encryptedCredentials,
        metadata,
        expiresAt,
        isActive: input.isActive ?? true,
        uiMetadata,
        expectedVersion,
      });
      return upserted && { ...upserted, xids: [configXid, ...upserted.xids] };
    });
    if (!written) throw new StaleVersionError(`${provider}/${credentialType}`);
    this.logger.log(`Stored ${credentialType} credential ${written.row.id} for provider ${provider}`);
    return { ...this.toView(written.row, undefined), version: written.version };
  }

  /**
   * Changes a stored credential: a new secret, its UI metadata, whether it is active, its expiry
   * (`null` for none). What is not given stays as it is, the base URL it is bound to included; it is
   * one write of the whole row, with the same rules as store().
   */
  async update(
    provider: string,
    credentialType: string,
    patch: { apiKey?: string; uiMetadata?: UiMetadata; isActive?: boolean; expiresAt?: Date | null },
    expectedVersion?: string,
  ): Promise<CredentialView & { version: string }> {
    assertProviderName(provider);
    assertCredentialType(credentialType);
    const current = (await this.credentials.listWithProvider({ provider })).find((c) => c.credentialType === credentialType);
    if (!current) throw new CredentialNotFoundError(provider, credentialType);
    return this.write(
      provider,
      {
        credentialType,
        apiKey: patch.apiKey ?? this.decrypt(current),
        metadata: current.metadata ?? undefined,
        expiresAt: patch.expiresAt === undefined ? current.expiresAt : patch.expiresAt,
        isActive: patch.isActive ?? current.isActive,
        uiMetadata: patch.uiMetadata ?? current.uiMetadata,
      },
      patch.apiKey === undefined ? current : null,
      expectedVersion,
    );
  }

  /** The version of a stored credential, for optimistic concurrency (the API's ETag). */
  async version(provider: string, credentialType: string): Promise<string> {
    const version = await this.credentials.findVersion(assertProviderName(provider), assertCredentialType(credentialType));
    if (version === null) throw new CredentialNotFoundError(provider, credentialType);
    return version;
  }

  /**
   * The decrypted credential a caller may use right now: active, unexpired, and its provider
   * enabled. Null when there is none; a credential the key ring cannot decrypt is an error.
   */
  getActiveCredential(provider: string, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<ActiveCredential | null> {
    return this.findUsable(assertProviderName(provider), assertCredentialType(credentialType), true);
  }

  /** For the health probe: active and unexpired, whether or not the operator has the provider enabled. */
  getProbeCredential(provider: string, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<ActiveCredential | null> {
    return this.findUsable(assertProviderName(provider), assertCredentialType(credentialType), false);
  }

  /** Every credential, masked, with whether its provider is enabled. `enabledOnly` keeps those whose provider is. */
  async list(options: { provider?: string; enabledOnly?: boolean } = {}): Promise<CredentialView[]> {
    if (options.provider !== undefined) assertProviderName(options.provider);
    const rows = await this.credentials.listWithProvider(options);
    return rows.map((row) => this.toView(row, row.providerConfig?.enabled));
  }

  async remove(provider: string, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<void> {
    assertProviderName(provider);
    assertCredentialType(credentialType);
    const written = await this.state.write(this.snapshotProviders(provider, credentialType), () =>
      this.credentials.deleteByNaturalKey(provider, credentialType),
    );
    if (written === null) throw new CredentialNotFoundError(provider, credentialType);
  }

  async setActive(provider: string, active: boolean, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<void> {
    assertProviderName(provider);
    assertCredentialType(credentialType);
    if (typeof active !== 'boolean') throw new InvalidInputError('isActive', 'must be true or false');
    const written = await this.state.write(this.snapshotProviders(provider, credentialType), () =>
      this.credentials.setActive(provider, credentialType, active),
    );
    if (written === null) throw new CredentialNotFoundError(provider, credentialType);
  }

  async getUIMetadata(provider: string, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<UiMetadata> {
    assertProviderName(provider);
    assertCredentialType(credentialType);
    const uiMetadata = await this.credentials.findUiMetadata(provider, credentialType);
    if (uiMetadata === null) throw new CredentialNotFoundError(provider, credentialType);
    return uiMetadata;
  }

  async updateUIMetadata(provider: string, uiMetadata: UiMetadata, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<void> {
    assertProviderName(provider);
    assertCredentialType(credentialType);
    assertSafeUiJson(uiMetadata, 'ui_metadata');
    // ui_metadata is for the frontend only: the snapshot does not hold it, so there is nothing to reload.
    if ((await this.state.write([], () => this.credentials.updateUiMetadata(provider, credentialType, uiMetadata))) === null) {
      throw new CredentialNotFoundError(provider, credentialType);
    }
  }

  /**
   * Re-encrypts every credential not under the active key, in batches of `batchSize`, each batch
   * one transaction holding its rows' locks. Every row is decrypted first, so a row the ring cannot
   * read (unknown key, wrong key under a known id, not an envelope at all) is reported as failed and
   * passed over, never counted as current and never a reason to stop. `onProgress` is told how many
   * rows have been looked at after each batch (the CLI's progress bar).
   */
  async rotate(options: { batchSize?: number; onProgress?: (processed: number) => void } = {}): Promise<RotationResult> {
    const batchSize = options.batchSize ?? 100;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new InvalidInputError('batchSize', 'must be an integer between 1 and 10000');
    }
    const result: RotationResult = { rotated: 0, alreadyCurrent: 0, failed: [] };
    const touched = new Set<string>();
    let afterId = '0';
    for (;;) {
      const batch = await this.credentials.rotateBatch(afterId, batchSize, (rows) =>
        rows.flatMap((row) => {
          try {
            const plaintext = this.decrypt(row);
            if (!this.keyRing.needsRotation(row.encryptedCredentials)) {
              result.alreadyCurrent++;
              return [];
            }
            touched.add(row.provider);
            result.rotated++;
            return [{ id: row.id, envelope: this.keyRing.encrypt(plaintext, this.aadOf(row)) }];
          } catch (error) {
            result.failed.push({
              id: row.id,
              provider: row.provider,
              credentialType: row.credentialType,
              reason: (error as Error).message,
            });
            return [];
          }
        }),
      );
      if (batch.length === 0) break;
      afterId = batch[batch.length - 1].id;
      options.onProgress?.(result.rotated + result.alreadyCurrent + result.failed.length);
    }
    if (touched.size > 0) await this.state.reload([...touched]);
    this.logger.log(
      `Key rotation to ${this.keyRing.activeKeyId}: ${result.rotated} re-encrypted, ${result.alreadyCurrent} already current, ${result.failed.length} failed`,
    );
    return result;
  }

  /**
   * Whether the configured key ring can read what is stored: the start-up check, so a missing or
   * wrong key is named at boot rather than discovered by the first request.
   */
  async checkKeyRing(): Promise<KeyRingCheck> {
    const rows = await this.credentials.listWithProvider({});
    const check: KeyRingCheck = { total: rows.length, readable: 0, missingKeyIds: [], failing: [] };
    const missing = new Set<string>();
    for (const row of rows) {
      try {
        this.decrypt(row);
        check.readable++;
      } catch (error) {
        if (error instanceof UnknownKeyError) missing.add(error.keyId);
        const reason = error instanceof CredentialDecryptError || error instanceof UnknownKeyError ? error.message : String(error);
        check.failing.push({ id: row.id, provider: row.provider, credentialType: row.credentialType, reason });
      }
    }
    check.missingKeyIds = [...missing].sort();
    return check;
  }

  /** The snapshot holds only a provider's api_key credential: writes of other types change nothing in it. */
  private snapshotProviders(provider: string, credentialType: string, configCreated = false): string[] {
    return credentialType === DEFAULT_CREDENTIAL_TYPE || configCreated ? [provider] : [];
  }

  private async findUsable(provider: string, credentialType: string, requireEnabled: boolean): Promise<ActiveCredential | null> {
    const row = await this.credentials.findUsable(provider, credentialType, requireEnabled);
    if (!row) return null;
    return {
      id: row.id,
      provider: row.provider,
      credentialType: row.credentialType,
      apiKey: this.decrypt(row),
      // Only a destination the ciphertext is bound to: decrypt() above fails if it was changed.
      baseUrl: destinationOf(row.metadata),
      expiresAt: row.expiresAt,
    };
  }

  private aadOf(row: AICredential): string {
    return credentialAad(row.provider, row.credentialType, destinationOf(row.metadata));
  }

  private decrypt(row: AICredential): string {
    return this.keyRing.decrypt(row.encryptedCredentials, {
      aad: this.aadOf(row),
      label: `credential ${row.id} (${row.provider}/${row.credentialType})`,
    });
  }

  private toView(row: AICredential, providerEnabled: boolean | undefined): CredentialView {
    let masked: string | null = null;
    let decryptError: string | undefined;
    let keyId: string | null = null;
    try {
      keyId = this.keyRing.keyIdOf(row.encryptedCredentials);
      masked = maskSecret(this.decrypt(row));
    } catch (error) {
      decryptError = (error as Error).message;
    }
    const expired = row.expiresAt !== null && row.expiresAt.getTime() <= Date.now();
    return {
      id: row.id,
      provider: row.provider,
      credentialType: row.credentialType,
      masked,
      ...(decryptError ? { decryptError } : {}),
      keyId,
      status: decryptError ? 'undecryptable' : !row.isActive ? 'inactive' : expired ? 'expired' : 'active',
      isActive: row.isActive,
      ...(providerEnabled !== undefined ? { providerEnabled } : {}),
      expiresAt: row.expiresAt,
      baseUrl: destinationOf(row.metadata),
      metadata: row.metadata,
      uiMetadata: row.uiMetadata,
      usageCount: Number(row.usageCount),
      inputTokens: Number(row.inputTokens),
      outputTokens: Number(row.outputTokens),
      lastUsedAt: row.lastUsedAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  /**
   * Every URL that can become a key's destination is validated where it enters: the top-level
   * `baseUrl` and a `baseUrl` inside `metadata` alike (the top-level one wins).
   */
  private metadataWithBaseUrl(metadata: CredentialMetadata | undefined, baseUrl: string | null | undefined): CredentialMetadata | null {
    if (metadata !== undefined) assertSafeUiJson(metadata, 'metadata');
    const merged: CredentialMetadata = { ...(metadata ?? {}) };
    if (baseUrl !== undefined && baseUrl !== null) merged.baseUrl = validateBaseUrlField('baseUrl', baseUrl);
    else if (merged.baseUrl !== undefined && merged.baseUrl !== null) {
      if (typeof merged.baseUrl !== 'string') throw new InvalidInputError('metadata.baseUrl', 'must be a string URL');
      merged.baseUrl = validateBaseUrlField('metadata.baseUrl', merged.baseUrl);
    } else delete merged.baseUrl;
    return metadata === undefined && merged.baseUrl === undefined ? null : merged;
  }
}
