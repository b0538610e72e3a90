import { Inject, Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { hydrate, rowsOf } from '../../database/raw-rows';
import { AICredential, CredentialMetadata, UiMetadata } from '../entities/ai-credential.entity';
import { REGISTRY_DATA_SOURCE } from '../providers.options';

export interface CredentialUpsert {
  provider: string;
  credentialType: string;
  encryptedCredentials: string;
  metadata: CredentialMetadata | null;
  expiresAt: Date | null;
  isActive: boolean;
  uiMetadata: UiMetadata;
}

/** A write and the id of the transaction that made it (see RegistryStateService: own echoes are skipped). */
export interface Written<T> {
  row: T;
  xid: string;
}

/**
 * All SQL of `ai_credentials`. provider_config_id is never written here: the database links each
 * row to its provider's config (trigger ai_registry_link_credential), for legacy writers too.
 */
@Injectable()
export class CredentialRepository {
  private readonly repo: Repository<AICredential>;

  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(AICredential);
  }

  /** Creates or replaces the provider's credential of that type (the table's natural key). */
  async upsert(values: CredentialUpsert): Promise<Written<AICredential>> {
    const [raw] = await rowsOf(
      this.dataSource,
      `INSERT INTO ai_credentials (provider, credential_type, encrypted_credentials, metadata, expires_at, is_active, ui_metadata)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb)
       ON CONFLICT (provider, credential_type) DO UPDATE SET
         encrypted_credentials = EXCLUDED.encrypted_credentials,
         metadata = EXCLUDED.metadata,
         expires_at = EXCLUDED.expires_at,
         is_active = EXCLUDED.is_active,
         ui_metadata = EXCLUDED.ui_metadata,
         updated_at = now()
       RETURNING *, pg_current_xact_id()::text AS xid`,
      [
        values.provider,
        values.credentialType,
        values.encryptedCredentials,
        values.metadata === null ? null : JSON.stringify(values.metadata),
        values.expiresAt,
        values.isActive,
        JSON.stringify(values.uiMetadata),
      ],
    );
    return { row: hydrate(this.dataSource, AICredential, raw), xid: raw.xid as string };
  }

  /** Active and unexpired on the database clock; with `enabledOnly`, only if its provider is enabled. */
  findUsable(provider: string, credentialType: string, enabledOnly: boolean): Promise<AICredential | null> {
    const query = this.repo
      .createQueryBuilder('c')
      .innerJoin('c.providerConfig', 'p')
      .where('c.provider = :provider AND c.credentialType = :credentialType AND c.isActive', { provider, credentialType })
      .andWhere('(c.expiresAt IS NULL OR c.expiresAt > now())');
    if (enabledOnly) query.andWhere('p.enabled');
    return query.getOne();
  }

  /** With their provider config (the relation), for views that show whether the provider is enabled. */
  listWithProvider(options: { provider?: string; enabledOnly?: boolean }): Promise<AICredential[]> {
    return this.repo.find({
      relations: { providerConfig: true },
      where: {
        ...(options.provider !== undefined ? { provider: options.provider } : {}),
        ...(options.enabledOnly ? { providerConfig: { enabled: true } } : {}),
      },
      order: { provider: 'ASC', credentialType: 'ASC' },
    });
  }

  async deleteByNaturalKey(provider: string, credentialType: string): Promise<string | null> {
    const [row] = await rowsOf<{ xid: string }>(
      this.dataSource,
      `DELETE FROM ai_credentials WHERE provider = $1 AND credential_type = $2 RETURNING pg_current_xact_id()::text AS xid`,
      [provider, credentialType],
    );
    return row?.xid ?? null;
  }

  async setActive(provider: string, credentialType: string, active: boolean): Promise<string | null> {
    return this.updateOne(provider, credentialType, 'is_active = $3', [active]);
  }

  async findUiMetadata(provider: string, credentialType: string): Promise<UiMetadata | null> {
    const row = await this.repo.findOne({ select: { id: true, uiMetadata: true }, where: { provider, credentialType } });
    return row?.uiMetadata ?? null;
  }

  async updateUiMetadata(provider: string, credentialType: string, uiMetadata: UiMetadata): Promise<string | null> {
    return this.updateOne(provider, credentialType, 'ui_metadata = $3::jsonb', [JSON.stringify(uiMetadata)]);
  }

  /**
   * One batch of a key rotation, in one transaction: locks the next `limit` rows after `afterId`
   * (keyset order, so a row that cannot be re-encrypted is passed once, not retried forever), lets
   * `reencrypt` decide their new envelopes, and writes those in one set-based UPDATE.
   */
  rotateBatch(
    afterId: string,
    limit: number,
    reencrypt: (rows: AICredential[]) => Array<{ id: string; envelope: string }>,
  ): Promise<AICredential[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager
        .getRepository(AICredential)
        .createQueryBuilder('c')
        .where('c.id > :afterId', { afterId })
        .orderBy('c.id')
        .limit(limit)
        .setLock('pessimistic_write')
        .getMany();
      const updates = reencrypt(rows);
      if (updates.length > 0) {
        await manager.query(
          `UPDATE ai_credentials c SET encrypted_credentials = d.envelope, updated_at = now()
           FROM unnest($1::bigint[], $2::text[]) AS d(id, envelope) WHERE c.id = d.id`,
          [updates.map((u) => u.id), updates.map((u) => u.envelope)],
        );
      }
      return rows;
    });
  }

  private async updateOne(provider: string, credentialType: string, assignment: string, values: unknown[]): Promise<string | null> {
    const [row] = await rowsOf<{ xid: string }>(
      this.dataSource,
      `UPDATE ai_credentials SET ${assignment}, updated_at = now() WHERE provider = $1 AND credential_type = $2
       RETURNING pg_current_xact_id()::text AS xid`,
      [provider, credentialType, ...values],
    );
    return row?.xid ?? null;
  }
}
