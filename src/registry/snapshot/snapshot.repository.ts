import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hydrate, prefixed, rowsOf } from '../../common/raw-rows';
import { AICredential, ProviderConfig } from '../entities/provider-config.entity';
import { DEFAULT_CREDENTIAL_TYPE } from '../kernel/credential-type';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';
import { snapshotConfigColumns, snapshotCredentialColumns } from './snapshot-row.sql';

/**
 * The snapshot's reads of provider_configs joined with each provider's api_key credential: a read
 * model of two tables, kept with the snapshot so that the snapshot depends on no writer of either.
 */
@Injectable()
export class SnapshotRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** What the in-memory snapshot holds of the named providers: one indexed query. */
  findSnapshotRows(providers: readonly string[]): Promise<ProviderConfig[]> {
    return this.snapshotRows(`WHERE p.provider = ANY($1) ORDER BY p.provider`, [providers]);
  }

  /** The same, a page at a time in slug order, for the full resync (keeps each step short). */
  findSnapshotPage(afterProvider: string | null, limit: number): Promise<ProviderConfig[]> {
    return this.snapshotRows(`WHERE $1::text IS NULL OR p.provider > $1 ORDER BY p.provider LIMIT $2`, [afterProvider, limit]);
  }

  /**
   * Hand-written because it is the hot path of every write's read-your-writes reload: the same
   * rows through the query builder cost twice the time. Only the api_key credential is joined, on
   * its slug too so the (provider, credential_type) unique index serves it (the trigger keeps
   * provider_config_id and the slug in agreement).
   */
  private async snapshotRows(where: string, params: unknown[]): Promise<ProviderConfig[]> {
    const raw = await rowsOf(
      this.dataSource,
      `SELECT p.id, ${snapshotConfigColumns('p')}, ${snapshotCredentialColumns('c', 'c_')}
       FROM provider_configs p
       LEFT JOIN ai_credentials c
         ON c.provider_config_id = p.id AND c.provider = p.provider AND c.credential_type = '${DEFAULT_CREDENTIAL_TYPE}'
       ${where}`,
      params,
    );
    return raw.map((row) => {
      const config = hydrate(this.dataSource, ProviderConfig, row);
      config.credentials = row.c_id === null ? [] : [hydrate(this.dataSource, AICredential, prefixed(row, 'c_'))];
      return config;
    });
  }
}
