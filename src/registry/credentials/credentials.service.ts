import { Inject, Injectable, Logger } from '@nestjs/common';
import { assertSafeUiJson } from '../../common/json-guard/validate-ui-json';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { capabilitiesFromCatalog } from '../catalog/provider-capabilities';
import type { AICredential, CredentialMetadata, UiMetadata } from '../entities/provider-config.entity';
import { validateBaseUrlField } from '../egress/base-url.policy';
import { ProviderConfigRepository } from '../provider-settings/provider-config.repository';
import { CredentialNotFoundError, InvalidInputError, StaleVersionError, UnknownProviderError } from '../kernel/registry.errors';
import { RegistryStateService } from '../snapshot/registry-state.service';
import { assertProviderName, assertProviderSlug } from '../provider-settings/provider-input.rules';
import { credentialAad, destinationOf } from '../key-ring/credential-aad';
import { CredentialCipher } from '../key-ring/credential-cipher';
import { CredentialViewMapper } from './credential-view.mapper';
import { assertApiKey, assertCredentialType, assertExpiresAt } from './credential-input.rules';
import { CredentialRepository } from './credential.repository';
import {
  ActiveCredential,
  CredentialView,
  CredentialWriteListener,
  KeyRingCheck,
  RotationResult,
  StoreCredentialInput,
} from './credential.types';
import { DEFAULT_CREDENTIAL_TYPE } from '../kernel/credential-type';
import { KeyRotationService } from './key-rotation.service';
import { maskSecret } from './mask-secret';

/**
 * Encrypted credentials. Plaintext exists only inside store() and in what getActiveCredential()
 * hands to the probe or host that calls the provider; everything else sees a masked value, stored
 * with the secret (CredentialViewMapper). Key rotation and the key ring check are KeyRotationService's.
 */
@Injectable()
export class CredentialsService {
  private readonly logger = new Logger(CredentialsService.name);
  private readonly writeListeners: CredentialWriteListener[] = [];

  constructor(
    private readonly credentials: CredentialRepository,
    private readonly configs: ProviderConfigRepository,
    private readonly cipher: CredentialCipher,
    private readonly views: CredentialViewMapper,
    private readonly keyRotation: KeyRotationService,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly state: RegistryStateService,
  ) {}

  /** `listener` hears of each credential this process stores with a new secret or switches on. */
  addWriteListener(listener: CredentialWriteListener): void {
    this.writeListeners.push(listener);
  }

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
    const encryptedCredentials = kept && this.cipher.aadOf(kept) === aad ? kept.encryptedCredentials : this.cipher.encrypt(apiKey, aad);
    const written = await this.state.write(this.snapshotProviders(provider, credentialType, configXid !== null), async () => {
      const upserted = await this.credentials.upsert({
        provider,
        credentialType,
        encryptedCredentials,
        keyMask: maskSecret(apiKey),
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
    if (written.row.isActive && (kept === null || !kept.isActive)) this.announce(provider, credentialType);
    return { ...this.views.toView(written.row, undefined), version: written.version };
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
        apiKey: patch.apiKey ?? this.cipher.decrypt(current),
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
    return rows.map((row) => this.views.toView(row, row.providerConfig?.enabled));
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
    if (active) this.announce(provider, credentialType);
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

  /** Re-encrypts every credential not under the active key (see KeyRotationService.rotate). */
  rotate(options: { batchSize?: number; onProgress?: (processed: number) => void } = {}): Promise<RotationResult> {
    return this.keyRotation.rotate(options);
  }

  /** Whether the configured key ring can read what is stored (see KeyRotationService.checkKeyRing). */
  checkKeyRing(): Promise<KeyRingCheck> {
    return this.keyRotation.checkKeyRing();
  }

  /** Probes use only a provider's api_key credential: only its writes are told. */
  private announce(provider: string, credentialType: string): void {
    if (credentialType !== DEFAULT_CREDENTIAL_TYPE) return;
    for (const listener of this.writeListeners) listener.afterWrite(provider);
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
      apiKey: this.cipher.decrypt(row),
      // Only a destination the ciphertext is bound to: decrypt() above fails if it was changed.
      baseUrl: destinationOf(row.metadata),
      expiresAt: row.expiresAt,
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
