import { Inject, Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { hydrate, rowsOf } from '../../common/raw-rows';
import { setAuditContext, withActor } from '../../common/with-actor';
import { AICredential, CredentialMetadata, UiMetadata } from '../entities/provider-config.entity';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';
import { snapshotConfigJson, snapshotRowFromJson } from '../snapshot/snapshot-row.sql';
import type { RegistryWrite } from '../snapshot/registry-write';
import { DEFAULT_CREDENTIAL_TYPE } from '../kernel/credential-type';

export interface CredentialUpsert {
  provider: string;
  credentialType: string;
  encryptedCredentials: string;
  /** The secret's masked form, stored with it so views need not decrypt. */
  keyMask: string;
  metadata: CredentialMetadata | null;
  expiresAt: Date | null;
  isActive: boolean;
  uiMetadata: UiMetadata;
  /** Replace only if the row is still at this version (its ETag); otherwise upsert() answers null. */
  expectedVersion?: string;
}

/** One row of a key rotation batch: its new envelope (null: kept, only its missing mask is filled) and mask. */
export interface RotatedCredential {
  id: string;
  envelope: string | null;
  keyMask: string;
}

/** A credential's version for optimistic concurrency: updated_at to the microsecond (usage never moves it). */
const VERSION_SQL = `(extract(epoch FROM c.updated_at) * 1000000)::bigint::text`;

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

  /**
   * Creates or replaces the provider's credential of that type (the table's natural key), handing
   * back the provider's snapshot row as it is after the write (see RegistryWrite).
   */
  async upsert(values: CredentialUpsert): Promise<(RegistryWrite & { row: AICredential; version: string }) | null> {
    const [raw] = await withActor(this.dataSource, (runner) =>
      rowsOf(
        runner,
        `INSERT INTO ai_credentials AS c (provider, credential_type, encrypted_credentials, metadata, expires_at, is_active, ui_metadata, key_mask)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb, $9)
       ON CONFLICT (provider, credential_type) DO UPDATE SET
         encrypted_credentials = EXCLUDED.encrypted_credentials,
         key_mask = EXCLUDED.key_mask,
         metadata = EXCLUDED.metadata,
         expires_at = EXCLUDED.expires_at,
         is_active = EXCLUDED.is_active,
         ui_metadata = EXCLUDED.ui_metadata,
         updated_at = now()
       WHERE $8::text IS NULL OR ${VERSION_SQL} = $8
       RETURNING c.*, ${VERSION_SQL} AS version, pg_current_xact_id()::text AS xid, ${snapshotConfigJson('c.provider')} AS snapshot_config`,
        [
          values.provider,
          values.credentialType,
          values.encryptedCredentials,
          values.metadata === null ? null : JSON.stringify(values.metadata),
          values.expiresAt,
          values.isActive,
          JSON.stringify(values.uiMetadata),
          values.expectedVersion ?? null,
          values.keyMask,
        ],
      ),
    );
    if (!raw) return null; // only with expectedVersion: the row moved on since
    const row = hydrate(this.dataSource, AICredential, raw);
    return { row, version: raw.version as string, ...this.written(raw, row) };
  }

  /** The version of a credential (its ETag); null when there is none of that provider and type. */
  async findVersion(provider: string, credentialType: string): Promise<string | null> {
    const [row] = await rowsOf<{ version: string }>(
      this.dataSource,
      `SELECT ${VERSION_SQL} AS version FROM ai_credentials c WHERE c.provider = $1 AND c.credential_type = $2`,
      [provider, credentialType],
    );
    return row?.version ?? null;
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

  async deleteByNaturalKey(provider: string, credentialType: string): Promise<RegistryWrite | null> {
    const [raw] = await withActor(this.dataSource, (runner) =>
      rowsOf(
        runner,
        `DELETE FROM ai_credentials c WHERE c.provider = $1 AND c.credential_type = $2
       RETURNING pg_current_xact_id()::text AS xid, c.credential_type, ${snapshotConfigJson('c.provider')} AS snapshot_config`,
        [provider, credentialType],
      ),
    );
    return raw ? this.written(raw, null) : null;
  }

  async setActive(provider: string, credentialType: string, active: boolean): Promise<RegistryWrite | null> {
    const [raw] = await withActor(this.dataSource, (runner) =>
      rowsOf(
        runner,
        `UPDATE ai_credentials c SET is_active = $3, updated_at = now() WHERE c.provider = $1 AND c.credential_type = $2
       RETURNING c.*, pg_current_xact_id()::text AS xid, ${snapshotConfigJson('c.provider')} AS snapshot_config`,
        [provider, credentialType, active],
      ),
    );
    return raw ? this.written(raw, hydrate(this.dataSource, AICredential, raw)) : null;
  }

  async findUiMetadata(provider: string, credentialType: string): Promise<UiMetadata | null> {
    const row = await this.repo.findOne({ select: { id: true, uiMetadata: true }, where: { provider, credentialType } });
    return row?.uiMetadata ?? null;
  }

  /** ui_metadata is for the frontend only: the snapshot does not hold it. */
  async updateUiMetadata(provider: string, credentialType: string, uiMetadata: UiMetadata): Promise<RegistryWrite | null> {
    const [raw] = await withActor(this.dataSource, (runner) =>
      rowsOf<{ xid: string }>(
        runner,
        `UPDATE ai_credentials SET ui_metadata = $3::jsonb, updated_at = now() WHERE provider = $1 AND credential_type = $2
       RETURNING pg_current_xact_id()::text AS xid`,
        [provider, credentialType, JSON.stringify(uiMetadata)],
      ),
    );
    return raw ? { xids: [raw.xid], rows: [] } : null;
  }

  /**
   * One batch of a key rotation, in one transaction: locks the next `limit` rows after `afterId`
   * (keyset order, so a row that cannot be re-encrypted is passed once, not retried forever), lets
   * `reencrypt` decide their new envelopes and masks, and writes those in set-based UPDATEs. A mask
   * filled in on its own leaves updated_at (the version) alone and is no watched column: no event.
   */
  rotateBatch(afterId: string, limit: number, reencrypt: (rows: AICredential[]) => RotatedCredential[]): Promise<AICredential[]> {
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
      const reencrypted = updates.filter((u) => u.envelope !== null);
      const masksOnly = updates.filter((u) => u.envelope === null);
      if (reencrypted.length > 0) {
        // Labelled, so the audit trail records a re-encryption of the same secret, not a replaced one.
        await setAuditContext(manager, 'key-rotation');
        await manager.query(
          `UPDATE ai_credentials c SET encrypted_credentials = d.envelope, key_mask = d.key_mask, updated_at = now()
           FROM unnest($1::bigint[], $2::text[], $3::text[]) AS d(id, envelope, key_mask) WHERE c.id = d.id`,
          [reencrypted.map((u) => u.id), reencrypted.map((u) => u.envelope), reencrypted.map((u) => u.keyMask)],
        );
      }
      if (masksOnly.length > 0) {
        await manager.query(
          `UPDATE ai_credentials c SET key_mask = d.key_mask FROM unnest($1::bigint[], $2::text[]) AS d(id, key_mask) WHERE c.id = d.id`,
          [masksOnly.map((u) => u.id), masksOnly.map((u) => u.keyMask)],
        );
      }
      return rows;
    });
  }

  /**
   * The snapshot row after a write of `credential` (null: deleted): only the api_key credential is in
   * the snapshot, so a write of another type hands back nothing to apply.
   */
  private written(raw: Record<string, unknown>, credential: AICredential | null): RegistryWrite {
    const xids = [raw.xid as string];
    if (raw.credential_type !== DEFAULT_CREDENTIAL_TYPE) return { xids, rows: [] };
    const config = raw.snapshot_config as Record<string, unknown> | null;
    if (config === null) return { xids, rows: [] }; // created by the link trigger in this statement: reloaded instead
    const state = snapshotRowFromJson(this.dataSource, config, null);
    state!.credentials = credential ? [credential] : [];
    return { xids, rows: [state!] };
  }
}
