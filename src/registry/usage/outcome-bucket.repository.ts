import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';
import type { OutcomeDelta } from './call-tally';

/** Successes and failures of real calls since a per-provider start, summed over every instance's buckets. */
export interface OutcomeWindow {
  provider: string;
  successes: number;
  failures: number;
}

/**
 * call_outcome_buckets: how real calls ended, per provider, model and 10-second bucket, added to by
 * every instance's flush. Passive health decides circuits from the sums; old buckets are pruned.
 */
@Injectable()
export class OutcomeBucketRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Adds to each bucket, created at zero when new. Takes the caller's transaction, like the daily sums. */
  async add(manager: EntityManager, deltas: OutcomeDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await manager.query(
      `INSERT INTO call_outcome_buckets AS b (provider, bucket_start, model, successes, errors, timeouts, rate_limited, auth_errors, latency_ms_sum)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
       ON CONFLICT (provider, bucket_start, model) DO UPDATE
       SET successes = b.successes + EXCLUDED.successes,
           errors = b.errors + EXCLUDED.errors,
           timeouts = b.timeouts + EXCLUDED.timeouts,
           rate_limited = b.rate_limited + EXCLUDED.rate_limited,
           auth_errors = b.auth_errors + EXCLUDED.auth_errors,
           latency_ms_sum = b.latency_ms_sum + EXCLUDED.latency_ms_sum`,
      [
        deltas.map((d) => d.provider),
        deltas.map((d) => d.bucketStart),
        deltas.map((d) => d.model),
        deltas.map((d) => d.successes),
        deltas.map((d) => d.errors),
        deltas.map((d) => d.timeouts),
        deltas.map((d) => d.rateLimited),
        deltas.map((d) => d.authErrors),
        deltas.map((d) => d.latencyMsSum.toString()),
      ],
    );
  }

  /** Per provider, outcomes in buckets from its `since` on (buckets are 10 s: one starting before `since` is left out). */
  async outcomeWindows(since: ReadonlyMap<string, Date>): Promise<OutcomeWindow[]> {
    if (since.size === 0) return [];
    const rows = (await this.dataSource.query(
      // Summed as numeric and read as float8: a count past 2^53 is far beyond any threshold that matters.
      `SELECT b.provider, sum(b.successes)::float8 AS successes,
              sum(b.errors + b.timeouts + b.rate_limited + b.auth_errors)::float8 AS failures
       FROM unnest($1::text[], $2::timestamptz[]) AS w(provider, since)
       JOIN call_outcome_buckets b ON b.provider = w.provider AND b.bucket_start >= w.since
       GROUP BY b.provider`,
      [[...since.keys()], [...since.values()]],
    )) as OutcomeWindow[];
    return rows;
  }

  /** Outcome buckets older than this are past every window: the circuit never reads them again. */
  async prune(olderThanMs: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM call_outcome_buckets WHERE bucket_start < now() - $1::bigint * interval '1 millisecond'`, [
      olderThanMs,
    ]);
  }
}
