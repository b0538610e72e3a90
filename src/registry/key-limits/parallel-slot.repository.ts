import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from '../../common/raw-rows';
import { PARALLEL_SLOTS_CHANNEL } from '../kernel/coordination';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';

/**
 * All SQL of `consumer_key_parallel_slots`: each holder's (instance's) slots of a key's calls in
 * flight, each row good until its expires_at. Only take() adds slots, and it does so holding the key's
 * advisory lock for its transaction: its second statement starts after the lock is held, so in READ
 * COMMITTED it sees every row committed by the transactions that held the lock before, and the live
 * rows' sum never passes the limit. A transaction-scoped lock holds on PgBouncer's transaction pooling
 * too. Taking away (give back, expiry) can never pass the limit and needs no lock.
 */
@Injectable()
export class ParallelSlotRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Adds up to `want` slots of the key to `holder`'s, as many as the other holders' live slots and its
   * own leave under `limit`, and renews its row for `ttlMs`. Answers the slots the holder has now (an
   * expired row of its own counts as none, and is left as it is when nothing is granted) and the live
   * slots the other holders have.
   */
  async take(keyId: string, holder: string, want: number, limit: number, ttlMs: number): Promise<{ slots: number; others: number }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('consumer_key_parallel_slots:' || $1, 0))`, [keyId]);
      const [row] = await rowsOf<{ slots: number | null; others: number }>(
        manager,
        `WITH live AS (
           SELECT COALESCE(SUM(slots) FILTER (WHERE holder <> $2), 0)::int AS others,
                  COALESCE(SUM(slots) FILTER (WHERE holder = $2), 0)::int AS mine
           FROM consumer_key_parallel_slots WHERE consumer_key_id = $1 AND expires_at > now()
         ), written AS (
           INSERT INTO consumer_key_parallel_slots AS t (consumer_key_id, holder, slots, expires_at)
           SELECT $1, $2, mine + GREATEST(0, LEAST($3::int, $4::int - others - mine)), now() + make_interval(secs => $5::double precision / 1000)
           FROM live
           -- Nothing held and nothing granted: no row to write (a refused call costs no write).
           WHERE mine + GREATEST(0, LEAST($3::int, $4::int - others - mine)) > 0
           ON CONFLICT (consumer_key_id, holder) DO UPDATE SET slots = excluded.slots, expires_at = excluded.expires_at
           RETURNING t.slots
         )
         SELECT (SELECT slots FROM written) AS slots, others FROM live`,
        [keyId, holder, want, limit, ttlMs],
      );
      return { slots: row?.slots ?? 0, others: row?.others ?? 0 };
    });
  }

  /**
   * Asks every holder of the key's slots to give back those it is not using (PARALLEL_SLOTS_CHANNEL):
   * a taker refused while others hold slots may be refused only because they hold them idle.
   */
  async askForIdleSlots(keyId: string): Promise<void> {
    await rowsOf(this.dataSource, `SELECT pg_notify($1, $2)`, [PARALLEL_SLOTS_CHANNEL, keyId]);
  }

  /** Lowers `holder`'s slots of the key to `slots` (0: its row goes); the slots it has now (0 when its row had expired). */
  async giveBack(keyId: string, holder: string, slots: number): Promise<number> {
    if (slots === 0) {
      await rowsOf(this.dataSource, `DELETE FROM consumer_key_parallel_slots WHERE consumer_key_id = $1 AND holder = $2`, [keyId, holder]);
      return 0;
    }
    const [row] = await rowsOf<{ slots: number }>(
      this.dataSource,
      `UPDATE consumer_key_parallel_slots SET slots = LEAST(slots, $3::int)
       WHERE consumer_key_id = $1 AND holder = $2 AND expires_at > now()
       RETURNING slots`,
      [keyId, holder, slots],
    );
    return row?.slots ?? 0;
  }

  /** Extends every live row of `holder` by `ttlMs`; the keys renewed (an expired row is not: its slots are lost). */
  async renew(holder: string, ttlMs: number): Promise<string[]> {
    const rows = await rowsOf<{ consumer_key_id: string }>(
      this.dataSource,
      `UPDATE consumer_key_parallel_slots SET expires_at = now() + make_interval(secs => $2::double precision / 1000)
       WHERE holder = $1 AND expires_at > now()
       RETURNING consumer_key_id::text`,
      [holder, ttlMs],
    );
    return rows.map((row) => row.consumer_key_id);
  }

  /** Deletes expired rows (they count for nothing already); how many went. */
  async prune(): Promise<number> {
    const rows = await rowsOf(this.dataSource, `DELETE FROM consumer_key_parallel_slots WHERE expires_at <= now() RETURNING 1`);
    return rows.length;
  }
}
