import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hydrate, rowsOf } from '../../common/raw-rows';
import { withActor } from '../../common/with-actor';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';
import { ConsumerKey } from '../entities/consumer-key.entity';
import type { ConsumerKeyLimits } from './consumer-key.types';

export interface ConsumerKeyInsert {
  name: string;
  keyHash: string;
  keyPrefix: string;
  models: string[] | null;
  expiresAt: Date | null;
  limits: ConsumerKeyLimits;
}

/** A row as the cache holds it: what authentication needs, the hash included. */
export type CachedKeyRow = Pick<ConsumerKey, 'id' | 'name' | 'keyHash' | 'models' | 'expiresAt' | 'revokedAt' | keyof ConsumerKeyLimits>;

/** A row as lists and answers show it: everything but the hash, and its version (the ETag of a conditional update). */
export type ConsumerKeyRow = Omit<ConsumerKey, 'keyHash'> & { version: string };

const LIMIT_COLUMNS = 'rpm, tpm, max_parallel, budget_usd, budget_window, budget_warn_ratio';
const CACHED_COLUMNS = `id, name, key_hash, models, expires_at, revoked_at, ${LIMIT_COLUMNS}`;
/** updated_at to the microsecond; every update moves it forward by at least one. */
const VERSION_SQL = `(extract(epoch FROM updated_at) * 1000000)::bigint::text`;
const VIEW_COLUMNS = `id, name, key_prefix, models, expires_at, revoked_at, created_at, updated_at, ${LIMIT_COLUMNS}, ${VERSION_SQL} AS version`;

/**
 * All SQL of `consumer_keys`. Writes go through withActor, so the audit trail names who made them;
 * the table's triggers announce every committed change on CONSUMER_KEYS_CHANNEL.
 */
@Injectable()
export class ConsumerKeyRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The new row (its hash included, for this process's cache), or null when the name is taken. */
  async insert(values: ConsumerKeyInsert): Promise<(ConsumerKey & { version: string }) | null> {
    const { limits } = values;
    const [raw] = await withActor(this.dataSource, (runner) =>
      rowsOf(
        runner,
        `INSERT INTO consumer_keys (name, key_hash, key_prefix, models, expires_at, ${LIMIT_COLUMNS})
         VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9::numeric, $10, $11::real)
         ON CONFLICT (name) DO NOTHING
         RETURNING *, ${VERSION_SQL} AS version`,
        [
          values.name,
          values.keyHash,
          values.keyPrefix,
          values.models,
          values.expiresAt,
          limits.rpm,
          limits.tpm,
          limits.maxParallel,
          limits.budgetUsd,
          limits.budgetWindow,
          limits.budgetWarnRatio,
        ],
      ),
    );
    return raw ? this.withVersion(raw) : null;
  }

  /** The live key so named, or with that id, as lists show it; null when none is live. */
  async findLiveView(by: { name: string } | { id: string }): Promise<ConsumerKeyRow | null> {
    const [column, value] = 'id' in by ? ['id', by.id] : ['name', by.name];
    const [raw] = await rowsOf(this.dataSource, `SELECT ${VIEW_COLUMNS} FROM consumer_keys WHERE ${column} = $1 AND revoked_at IS NULL`, [
      value,
    ]);
    return raw ? this.withVersion(raw) : null;
  }

  /**
   * Sets a live key's limits if its version is still `version` (compare-and-set): the row as it is
   * now (its hash included, for this process's cache), or null when it is revoked, gone or changed since.
   */
  async updateLimits(id: string, version: string, limits: ConsumerKeyLimits): Promise<(ConsumerKey & { version: string }) | null> {
    const [raw] = await withActor(this.dataSource, (runner) =>
      rowsOf(
        runner,
        `UPDATE consumer_keys SET rpm = $3, tpm = $4, max_parallel = $5, budget_usd = $6::numeric, budget_window = $7,
           budget_warn_ratio = $8::real, updated_at = GREATEST(now(), updated_at + interval '1 microsecond')
         WHERE id = $1 AND revoked_at IS NULL AND ${VERSION_SQL} = $2
         RETURNING *, ${VERSION_SQL} AS version`,
        [id, version, limits.rpm, limits.tpm, limits.maxParallel, limits.budgetUsd, limits.budgetWindow, limits.budgetWarnRatio],
      ),
    );
    return raw ? this.withVersion(raw) : null;
  }

  /** Revokes the live key so named, or with that id: the row as it is now (its hash included), or null when none was live. */
  async revoke(by: { name: string } | { id: string }): Promise<(ConsumerKey & { version: string }) | null> {
    const [column, value] = 'id' in by ? ['id', by.id] : ['name', by.name];
    const [raw] = await withActor(this.dataSource, (runner) =>
      rowsOf(
        runner,
        `UPDATE consumer_keys SET revoked_at = now(), updated_at = GREATEST(now(), updated_at + interval '1 microsecond')
         WHERE ${column} = $1 AND revoked_at IS NULL
         RETURNING *, ${VERSION_SQL} AS version`,
        [value],
      ),
    );
    return raw ? this.withVersion(raw) : null;
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
    return raw.map((row) => this.withVersion(row));
  }

  private withVersion(raw: Record<string, unknown>): ConsumerKey & { version: string } {
    return Object.assign(hydrate(this.dataSource, ConsumerKey, raw), { version: String(raw.version) });
  }

  private async cachedRows(where: string, params: unknown[]): Promise<CachedKeyRow[]> {
    const raw = await rowsOf(this.dataSource, `SELECT ${CACHED_COLUMNS} FROM consumer_keys ${where}`, params);
    return raw.map((row) => hydrate(this.dataSource, ConsumerKey, row));
  }
}
