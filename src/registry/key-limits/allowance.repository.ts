import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from '../../common/raw-rows';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';
import type { AllowanceKind } from './key-limits.rules';

export interface Lease {
  /** What this lease granted (0: the window is spent). */
  granted: bigint;
  /** What every instance holds of the window now, this lease included. */
  total: bigint;
}

/**
 * All SQL of `consumer_key_allowances`. A lease is one statement (an upsert whose update is
 * conditional on the limit), so it holds on PgBouncer's transaction pooling and across any number
 * of instances: the row lock orders concurrent leases, and `granted` never passes the limit.
 */
@Injectable()
export class AllowanceRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Leases up to `want` of the key's `limit` in the window starting at `windowStart` (epoch ms), but
   * only if at least `least` is left: a remainder too small for the caller stays for callers that fit in it.
   */
  async lease(keyId: string, kind: AllowanceKind, windowStart: number, want: bigint, limit: bigint, least = 1n): Promise<Lease> {
    const [row] = await rowsOf<{ granted: string; total: string }>(
      this.dataSource,
      `INSERT INTO consumer_key_allowances AS t (consumer_key_id, kind, window_start, granted, last_lease)
       VALUES ($1, $2, to_timestamp($3::double precision / 1000), LEAST($4::bigint, $5::bigint), LEAST($4::bigint, $5::bigint))
       ON CONFLICT (consumer_key_id, kind, window_start) DO UPDATE
         SET granted = t.granted + LEAST($4::bigint, $5::bigint - t.granted), last_lease = LEAST($4::bigint, $5::bigint - t.granted)
         WHERE $5::bigint - t.granted >= $6::bigint
       RETURNING t.last_lease AS granted, t.granted AS total`,
      [keyId, kind, windowStart, want.toString(), limit.toString(), least.toString()],
    );
    // No row: the update's condition failed, the window is spent.
    return row ? { granted: BigInt(row.granted), total: BigInt(row.total) } : { granted: 0n, total: limit };
  }

  /** Gives `amount` back to the window (what this instance leased and did not use); never below 0. */
  async giveBack(keyId: string, kind: AllowanceKind, windowStart: number, amount: bigint): Promise<void> {
    if (amount <= 0n) return;
    await rowsOf(
      this.dataSource,
      `UPDATE consumer_key_allowances SET granted = GREATEST(0, granted - $4::bigint)
       WHERE consumer_key_id = $1 AND kind = $2 AND window_start = to_timestamp($3::double precision / 1000)`,
      [keyId, kind, windowStart, amount.toString()],
    );
  }

  /** Claims the window's budget warning: true for exactly one caller per key and window. */
  async claimWarning(keyId: string, windowStart: number): Promise<boolean> {
    const rows = await rowsOf(
      this.dataSource,
      `UPDATE consumer_key_allowances SET warned = true
       WHERE consumer_key_id = $1 AND kind = 'usd_nanos' AND window_start = to_timestamp($2::double precision / 1000) AND NOT warned
       RETURNING 1`,
      [keyId, windowStart],
    );
    return rows.length > 0;
  }

  /** Deletes rate windows over an hour old and budget windows over 40 days old; how many went. */
  async prune(): Promise<number> {
    const rows = await rowsOf(
      this.dataSource,
      `DELETE FROM consumer_key_allowances
       WHERE (kind IN ('requests', 'tokens') AND window_start < now() - interval '1 hour')
          OR (kind = 'usd_nanos' AND window_start < now() - interval '40 days')
       RETURNING 1`,
    );
    return rows.length;
  }
}
