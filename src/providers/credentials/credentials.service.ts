import { Inject, Injectable, Logger } from '@nestjs/common';
import { REGISTRY_DATA_SOURCE } from '../providers.options';
import { DataSource } from 'typeorm';
import { assertSafeUiJson } from '../../common/json-guard/validate-ui-json';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import type { CredentialMetadata, UiMetadata } from '../entities/ai-credential.entity';
import { validateBaseUrlField } from '../health/base-url.policy';
import { CredentialNotFoundError, InvalidInputError } from '../providers.errors';
import { ProviderConfigService } from '../provider-configs/provider-config.service';
import { RegistryStateService } from '../selection/registry-state.service';
import { credentialAad } from './credential-aad';
import {
  ActiveCredential,
  CredentialView,
  DEFAULT_CREDENTIAL_TYPE,
  RotationResult,
  StoreCredentialInput,
} from './credential.types';
import { KEY_RING } from './key-ring.provider';
import { KeyRing } from './key-ring';
import { maskSecret } from './mask-secret';

interface CredentialRow {
  id: string;
  provider: string;
  credential_type: string;
  encrypted_credentials: string;
  metadata: CredentialMetadata | null;
  expires_at: Date | null;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  ui_metadata: UiMetadata;
  usage_count: string;
  input_tokens: string;
  output_tokens: string;
  last_used_at: Date | null;
}

const MAX_SECRET_LENGTH = 8192;
const CREDENTIAL_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;

/**
 * Encrypted credentials. Plaintext exists only inside store() and in what getActiveCredential()
 * hands to the probe or host that calls the provider; everything else sees a masked value.
 */
@Injectable()
export class CredentialsService {
  private readonly logger = new Logger(CredentialsService.name);

  constructor(
    @Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(KEY_RING) private readonly keyRing: KeyRing,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly providerConfigs: ProviderConfigService,
    private readonly state: RegistryStateService,
  ) {}

  /** Creates or replaces the provider's credential of that type (one per provider and type). */
  async store(provider: string, input: StoreCredentialInput): Promise<CredentialView> {
    const credentialType = this.credentialType(input.credentialType);
    const requiresApiKey =
      this.catalog.providers.get(provider)?.requiresApiKey ??
      (this.state.current().providers.get(provider)?.credential !== 'not_required');
    const apiKey = input.apiKey ?? '';
    if (typeof apiKey !== 'string') throw new InvalidInputError('apiKey', 'must be a string');
    if (requiresApiKey && apiKey.trim() === '') throw new InvalidInputError('apiKey', `is required for provider "${provider}"`);
    if (apiKey.length > MAX_SECRET_LENGTH) throw new InvalidInputError('apiKey', `must be at most ${MAX_SECRET_LENGTH} characters`);
    if (/\s/.test(apiKey.trim()) || apiKey !== apiKey.trim()) throw new InvalidInputError('apiKey', 'must not contain whitespace');
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt !== null && !(expiresAt instanceof Date && !Number.isNaN(expiresAt.getTime()))) {
      throw new InvalidInputError('expiresAt', 'must be a valid date');
    }
    const metadata = this.metadataWithBaseUrl(input.metadata, input.baseUrl);
    const uiMetadata = input.uiMetadata ?? {};
    assertSafeUiJson(uiMetadata, 'ui_metadata');

    const encrypted = this.keyRing.encrypt(apiKey, credentialAad(provider, credentialType));
    const row = await this.dataSource.transaction(async (manager): Promise<CredentialRow> => {
      const configId = await this.providerConfigs.ensure(provider, manager);
      const [upserted] = await manager.query(
        `INSERT INTO ai_credentials
           (provider, credential_type, encrypted_credentials, metadata, expires_at, is_active, ui_metadata, provider_config_id)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb, $8)
         ON CONFLICT (provider, credential_type) DO UPDATE SET
           encrypted_credentials = EXCLUDED.encrypted_credentials,
           metadata = EXCLUDED.metadata,
           expires_at = EXCLUDED.expires_at,
           is_active = EXCLUDED.is_active,
           ui_metadata = EXCLUDED.ui_metadata,
           provider_config_id = EXCLUDED.provider_config_id,
           updated_at = now()
         RETURNING *`,
        [
          provider,
          credentialType,
          encrypted,
          metadata === null ? null : JSON.stringify(metadata),
          expiresAt,
          input.isActive ?? true,
          JSON.stringify(uiMetadata),
          configId,
        ],
      );
      return upserted;
    });
    await this.state.changed('credential');
    this.logger.log(`Stored ${credentialType} credential ${row.id} for provider ${provider}`);
    return this.toView(row);
  }

  /**
   * The decrypted credential a caller may use right now: active, unexpired, and its provider
   * enabled. Null when there is none; a credential the key ring cannot decrypt is an error.
   */
  getActiveCredential(provider: string, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<ActiveCredential | null> {
    return this.findUsable(provider, credentialType, true);
  }

  /** For the health probe: active and unexpired, whether or not the operator has the provider enabled. */
  getProbeCredential(provider: string, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<ActiveCredential | null> {
    return this.findUsable(provider, credentialType, false);
  }

  /** Every credential, masked. `enabledOnly` keeps those whose provider is enabled. */
  async list(options: { provider?: string; enabledOnly?: boolean } = {}): Promise<CredentialView[]> {
    const rows: CredentialRow[] = await this.dataSource.query(
      `SELECT c.* FROM ai_credentials c
       LEFT JOIN provider_configs p ON p.id = c.provider_config_id
       WHERE ($1::text IS NULL OR c.provider = $1) AND (NOT $2 OR p.enabled)
       ORDER BY c.provider, c.credential_type`,
      [options.provider ?? null, options.enabledOnly ?? false],
    );
    return rows.map((row) => this.toView(row));
  }

  async remove(provider: string, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<void> {
    const [rows] = await this.dataSource.query(
      `DELETE FROM ai_credentials WHERE provider = $1 AND credential_type = $2 RETURNING id`,
      [provider, credentialType],
    );
    if (rows.length === 0) throw new CredentialNotFoundError(provider, credentialType);
    await this.state.changed('credential');
  }

  async setActive(provider: string, active: boolean, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<void> {
    await this.updateOwned(provider, credentialType, 'is_active = $3', [active]);
    await this.state.changed('credential');
  }

  async getUIMetadata(provider: string, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<UiMetadata> {
    const [row] = await this.dataSource.query(
      `SELECT ui_metadata FROM ai_credentials WHERE provider = $1 AND credential_type = $2`,
      [provider, credentialType],
    );
    if (!row) throw new CredentialNotFoundError(provider, credentialType);
    return row.ui_metadata as UiMetadata;
  }

  async updateUIMetadata(provider: string, uiMetadata: UiMetadata, credentialType = DEFAULT_CREDENTIAL_TYPE): Promise<void> {
    assertSafeUiJson(uiMetadata, 'ui_metadata');
    await this.updateOwned(provider, credentialType, 'ui_metadata = $3::jsonb', [JSON.stringify(uiMetadata)]);
  }

  /**
   * Re-encrypts every credential not under the active key, in batches of `batchSize`, each batch
   * one transaction holding its rows' locks. Keyset pagination so a row that cannot be decrypted is
   * reported once and skipped, not retried forever.
   */
  async rotate(options: { batchSize?: number } = {}): Promise<RotationResult> {
    const batchSize = options.batchSize ?? 100;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new InvalidInputError('batchSize', 'must be an integer between 1 and 10000');
    }
    const result: RotationResult = { rotated: 0, alreadyCurrent: 0, failed: [] };
    let afterId = '0';
    for (;;) {
      const batch = await this.dataSource.transaction(async (manager) => {
        const rows: CredentialRow[] = await manager.query(
          `SELECT * FROM ai_credentials WHERE id > $1 ORDER BY id LIMIT $2 FOR UPDATE`,
          [afterId, batchSize],
        );
        const ids: string[] = [];
        const envelopes: string[] = [];
        for (const row of rows) {
          if (!this.keyRing.needsRotation(row.encrypted_credentials)) {
            result.alreadyCurrent++;
            continue;
          }
          try {
            const aad = credentialAad(row.provider, row.credential_type);
            envelopes.push(this.keyRing.encrypt(this.decrypt(row), aad));
            ids.push(row.id);
          } catch (error) {
            result.failed.push({ id: row.id, provider: row.provider, credentialType: row.credential_type, reason: (error as Error).message });
          }
        }
        if (ids.length > 0) {
          await manager.query(
            `UPDATE ai_credentials c SET encrypted_credentials = d.envelope, updated_at = now()
             FROM unnest($1::bigint[], $2::text[]) AS d(id, envelope) WHERE c.id = d.id`,
            [ids, envelopes],
          );
        }
        result.rotated += ids.length;
        return rows;
      });
      if (batch.length === 0) break;
      afterId = batch[batch.length - 1].id;
    }
    this.logger.log(
      `Key rotation to ${this.keyRing.activeKeyId}: ${result.rotated} re-encrypted, ${result.alreadyCurrent} already current, ${result.failed.length} failed`,
    );
    return result;
  }

  private async findUsable(provider: string, credentialType: string, requireEnabled: boolean): Promise<ActiveCredential | null> {
    const [row]: CredentialRow[] = await this.dataSource.query(
      `SELECT c.* FROM ai_credentials c
       JOIN provider_configs p ON p.id = c.provider_config_id
       WHERE c.provider = $1 AND c.credential_type = $2 AND c.is_active
         AND (c.expires_at IS NULL OR c.expires_at > now()) AND (p.enabled OR NOT $3)`,
      [provider, credentialType, requireEnabled],
    );
    if (!row) return null;
    return {
      id: row.id,
      provider: row.provider,
      credentialType: row.credential_type,
      apiKey: this.decrypt(row),
      baseUrl: typeof row.metadata?.baseUrl === 'string' ? row.metadata.baseUrl : null,
      expiresAt: row.expires_at,
    };
  }


  private async updateOwned(provider: string, credentialType: string, assignment: string, values: unknown[]): Promise<void> {
    const [rows] = await this.dataSource.query(
      `UPDATE ai_credentials SET ${assignment}, updated_at = now() WHERE provider = $1 AND credential_type = $2 RETURNING id`,
      [provider, credentialType, ...values],
    );
    if (rows.length === 0) throw new CredentialNotFoundError(provider, credentialType);
  }

  private decrypt(row: CredentialRow): string {
    return this.keyRing.decrypt(row.encrypted_credentials, {
      aad: credentialAad(row.provider, row.credential_type),
      label: `credential ${row.id} (${row.provider}/${row.credential_type})`,
    });
  }

  private toView(row: CredentialRow): CredentialView {
    let masked: string | null = null;
    let decryptError: string | undefined;
    let keyId: string | null = null;
    try {
      keyId = this.keyRing.keyIdOf(row.encrypted_credentials);
      masked = maskSecret(this.decrypt(row));
    } catch (error) {
      decryptError = (error as Error).message;
    }
    const expired = row.expires_at !== null && row.expires_at.getTime() <= Date.now();
    return {
      id: row.id,
      provider: row.provider,
      credentialType: row.credential_type,
      masked,
      ...(decryptError ? { decryptError } : {}),
      keyId,
      status: !row.is_active ? 'inactive' : expired ? 'expired' : 'active',
      isActive: row.is_active,
      expiresAt: row.expires_at,
      baseUrl: typeof row.metadata?.baseUrl === 'string' ? row.metadata.baseUrl : null,
      metadata: row.metadata,
      uiMetadata: row.ui_metadata,
      usageCount: Number(row.usage_count),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      lastUsedAt: row.last_used_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  private credentialType(value: string | undefined): string {
    const type = value ?? DEFAULT_CREDENTIAL_TYPE;
    if (!CREDENTIAL_TYPE_PATTERN.test(type)) {
      throw new InvalidInputError('credentialType', 'must be lower_snake_case, 1-50 characters');
    }
    return type;
  }

  private metadataWithBaseUrl(metadata: CredentialMetadata | undefined, baseUrl: string | null | undefined): CredentialMetadata | null {
    if (metadata !== undefined) assertSafeUiJson(metadata, 'metadata');
    if (baseUrl === undefined || baseUrl === null) return metadata ?? null;
    return { ...(metadata ?? {}), baseUrl: validateBaseUrlField('baseUrl', baseUrl) };
  }
}

