import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hydrate, rowsOf } from '../../common/raw-rows';
import { withActor } from '../../common/with-actor';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';
import { ConsumerKey } from './consumer-key.entity';

export interface ConsumerKeyInsert {
  name: string;
  keyHash: string;
  keyPrefix: string;
  models: string[] | null;
  expiresAt: Date | null;
}

/** A row as the cache holds it: what authentication needs, the hash included. */
export type CachedKeyRow = Pick<ConsumerKey, 'id' | 'name' | 'keyHash' | 'models' | 'expiresAt' | 'revokedAt'>;

/** A row as lists and answers show it: everything but the hash. */
export type ConsumerKeyRow = Omit<ConsumerKey, 'keyHash'>;

const CACHED_COLUMNS = 'id, name, key_hash, models, expires_at, revoked_at';
const VIEW_COLUMNS = 'id, name, key_prefix, models, expires_at, revoked_at, created_at, updated_at';

/**
 * All SQL of `consumer_keys`. Writes go through withActor, so the audit trail names who made them;
 * the table's triggers announce every committed change on CONSUMER_KEYS_CHANNEL.
 */
@Injectable()
export class ConsumerKeyRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The new row (its hash included, for this process's cache), or null when the name is taken. */
  async insert(values: ConsumerKeyInsert): Promise<ConsumerKey | null> {
    const [raw] = await withActor(this.dataSource, (runner) =>
      rowsOf(
        runner,
        `INSERT INTO consumer_keys (name, key_hash, key_prefix, models, expires_at) VALUES ($1, $2, $3, $4::text[], $5)
         ON CONFLICT (name) DO NOTHING
         RETURNING *`,
        [values.name, values.keyHash, values.keyPrefix, values.models, values.expiresAt],
      ),
    );
    return raw ? hydrate(this.dataSource, ConsumerKey, raw) : null;
  }

  /** Revokes the live key so named, or with that id: the row as it is now (its hash included), or null when none was live. */
  async revoke(by: { name: string } | { id: string }): Promise<ConsumerKey | null> {
    const [column, value] = 'id' in by ? ['id', by.id] : ['name', by.name];
    const [raw] = await withActor(this.dataSource, (runner) =>
      rowsOf(
        runner,
        `UPDATE consumer_keys SET revoked_at = now(), updated_at = now()
         WHERE ${column} = $1 AND revoked_at IS NULL
         RETURNING *`,
        [value],
      ),
    );
    return raw ? hydrate(this.dataSource, ConsumerKey, raw) : null;
  }

  /** Every key that is not revoked (expired ones included: expiry is checked against the clock at each use). */
  async findLive(): Promise<CachedKeyRow[]> {
    return this.cachedRows(`WHERE revoked_at IS NULL`, []);
  }

  /** The named keys as they are now; an id with no row, or a revoked one, is absent. */
  async findLiveByIds(ids: readonly string[]): Promise<CachedKeyRow[]> {
    return this.cachedRows(`WHERE id = ANY($1::bigint[]) AND revoked_at IS NULL`, [ids]);
  }

  /** Every key, revoked and expired ones included, oldest first; never the hash. */
  async list(): Promise<ConsumerKeyRow[]> {
    const raw = await rowsOf(this.dataSource, `SELECT ${VIEW_COLUMNS} FROM consumer_keys ORDER BY id`);
    return raw.map((row) => hydrate(this.dataSource, ConsumerKey, row));
  }

  private async cachedRows(where: string, params: unknown[]): Promise<CachedKeyRow[]> {
    const raw = await rowsOf(this.dataSource, `SELECT ${CACHED_COLUMNS} FROM consumer_keys ${where}`, params);
    return raw.map((row) => hydrate(this.dataSource, ConsumerKey, row));
  }
}
