import { Inject, Injectable } from '@nestjs/common';
import { DatabaseError } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AICredential } from '../entities/ai-credential.entity';
import { ProviderConfig } from '../entities/provider-config.entity';
import { REGISTRY_DATA_SOURCE } from '../providers.options';
import { CredentialNotFoundError } from '../providers.errors';
import { UsageOutOfRangeError } from './usage.errors';
import type { UsageSums } from './usage-tally';
import type { CallDeltas, DailyDelta, OutcomeDelta } from './call-tally';
import { SPEND_GROUPS, SPEND_ROW_KEYS, SpendGroup } from './spend-report';

/** Usage to add to one row: `key` is the provider slug (provider_configs) or the credential id (ai_credentials). */
export interface UsageDelta extends UsageSums {
  key: string;
}

export type UsageTable = 'provider_configs' | 'ai_credentials';

/** A delta the database refused for good (e.g. its sum is out of bigint range), left out so the rest is written. */
export interface DroppedUsage {
  table: UsageTable;
  delta: UsageDelta;
  /** The SQLSTATE and PostgreSQL's message (about numbers and ids only: these statements carry nothing else). */
  reason: string;
}

export interface FlushOutcome {
  /** False when this flush id had already committed (an earlier attempt whose reply was lost): nothing was added again. */
  applied: boolean;
  dropped: DroppedUsage[];
}

export type ProviderUsageRow = Pick<ProviderConfig, 'provider' | 'usageCount' | 'lastUsedAt'>;

export type CredentialUsageRow = Pick<
  AICredential,
  'id' | 'provider' | 'credentialType' | 'usageCount' | 'inputTokens' | 'outputTokens' | 'lastUsedAt'
>;

/** An API usage batch, written whole or not at all. Deltas sorted by key, as for a flush. */
export interface UsageBatch {
  /** The ledger id derived from its Idempotency-Key. */
  id: string;
  hash: string;
  providers: UsageDelta[];
  credentials: UsageDelta[];
  calls: CallDeltas;
  /** Credential id → the provider the batch reports it under: a credential that is not that provider's is refused. */
  credentialProviders: ReadonlyMap<string, string>;
}

export type BatchOutcome =
  | { applied: true }
  /** The key was already in the ledger; `hash` is what that batch carried (null: pruned in the meantime). */
  | { applied: false; hash: string | null };

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the same values fail the same way every time. */
export function isPermanentDataError(error: unknown): boolean {
  return /^2[23]/.test(sqlStateOf(error) ?? '');
}

/** The SQLSTATE of an error PostgreSQL reported; undefined for everything else (a lost connection has none). */
export function sqlStateOf(error: unknown): string | undefined {
  const driverError: unknown = error instanceof QueryFailedError ? error.driverError : error;
  return driverError instanceof DatabaseError ? driverError.code : undefined;
}

type Write = (manager: EntityManager, deltas: UsageDelta[]) => Promise<unknown>;

/** Only the usage columns: the change-notification triggers ignore them, and no other writer owns them. */
const addProviderUsage: Write = (manager, deltas) =>
  manager.query(
    `UPDATE provider_configs p
     SET usage_count = p.usage_count + d.requests,
         last_used_at = GREATEST(p.last_used_at, d.last_used_at)
     FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS d(provider, requests, last_used_at)
     WHERE p.provider = d.provider`,
    [deltas.map((d) => d.key), deltas.map((d) => d.requests.toString()), deltas.map((d) => d.lastUsedAt)],
  );

const addCredentialUsage: Write = (manager, deltas) =>
  manager.query(
    `UPDATE ai_credentials c
     SET usage_count = c.usage_count + d.requests,
         input_tokens = c.input_tokens + d.input_tokens,
         output_tokens = c.output_tokens + d.output_tokens,
         last_used_at = GREATEST(c.last_used_at, d.last_used_at)
     FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::timestamptz[])
       AS d(id, requests, input_tokens, output_tokens, last_used_at)
     WHERE c.id = d.id`,
    [
      deltas.map((d) => d.key),
      deltas.map((d) => d.requests.toString()),
      deltas.map((d) => d.inputTokens.toString()),
      deltas.map((d) => d.outputTokens.toString()),
      deltas.map((d) => d.lastUsedAt),
    ],
  );

/** Spend per day: `n = n + delta` on the row, created at zero when it is the day's first. */
async function addDaily(manager: EntityManager, deltas: DailyDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await manager.query(
    `INSERT INTO usage_daily AS u (day, provider, model, credential_id, requests, input_tokens, output_tokens, cost_nanos)
     SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
     ON CONFLICT (day, provider, model, credential_id) DO UPDATE
     SET requests = u.requests + EXCLUDED.requests,
         input_tokens = u.input_tokens + EXCLUDED.input_tokens,
         output_tokens = u.output_tokens + EXCLUDED.output_tokens,
         cost_nanos = u.cost_nanos + EXCLUDED.cost_nanos`,
    [
      deltas.map((d) => d.day),
      deltas.map((d) => d.provider),
      deltas.map((d) => d.model),
      deltas.map((d) => d.credentialId),
      deltas.map((d) => d.requests.toString()),
      deltas.map((d) => d.inputTokens.toString()),
      deltas.map((d) => d.outputTokens.toString()),
      deltas.map((d) => d.costNanos.toString()),
    ],
  );
}

async function addOutcomes(manager: EntityManager, deltas: OutcomeDelta[]): Promise<void> {
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

/** Successes and failures of real calls since a per-provider start, summed over every instance's buckets. */
export interface OutcomeWindow {
  provider: string;
  successes: number;
  failures: number;
}

/** One row of a spend report; the grouping columns are null when not grouped by. */
export interface SpendRow {
  provider: string | null;
  model: string | null;
  credentialId: string | null;
  day: string | null;
  requests: string;
  inputTokens: string;
  outputTokens: string;
  costNanos: string;
}

/** Per grouping: the column it groups by, and its value as the report shows it (under SPEND_ROW_KEYS). */
const SPEND_COLUMNS: Record<SpendGroup, { column: string; shown: string }> = {
  provider: { column: 'provider', shown: 'provider' },
  model: { column: 'model', shown: 'model' },
  credential: { column: 'credential_id', shown: 'credential_id::text' },
  day: { column: 'day', shown: `to_char(day, 'YYYY-MM-DD')` },
};

/**
 * The usage counters of provider_configs and ai_credentials (owned by the usage flusher alone), spend
 * per day (usage_daily) and outcomes per bucket (call_outcome_buckets), the budget status columns of
 * provider_configs that the spend decides, and the flush ledger (usage_flushes) that makes each flush
 * and API batch count exactly once.
 */
@Injectable()
export class UsageRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Adds one flush's deltas in one transaction with its ledger row. Deltas must be sorted by key, so
   * that two instances lock shared rows in the same order and cannot deadlock.
   */
  applyFlush(flushId: string, providers: UsageDelta[], credentials: UsageDelta[], calls: CallDeltas): Promise<FlushOutcome> {
    return this.dataSource.transaction(async (manager) => {
      // The ledger row is the arbiter. A committed earlier attempt with this id makes the insert a
      // no-op; one still in flight (its COMMIT sent, its reply lost) makes the insert wait on the
      // primary key until it ends. A plain "SELECT … WHERE id" would read past the in-flight one and count twice.
      const claimed: unknown[] = await manager.query(
        `INSERT INTO usage_flushes (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [flushId],
      );
      if (claimed.length === 0) return { applied: false, dropped: [] };
      const dropped: DroppedUsage[] = [];
      await addIsolating(manager, 'provider_configs', addProviderUsage, providers, dropped);
      await addIsolating(manager, 'ai_credentials', addCredentialUsage, credentials, dropped);
      // Bounded per record and summed per flush, these cannot leave their columns' range the way lifetime counters could.
      await addDaily(manager, calls.daily);
      await addOutcomes(manager, calls.outcomes);
      return { applied: true, dropped };
    });
  }

  /**
   * Adds an API batch in one transaction with its ledger row, like a flush, but all or nothing: a
   * refused sum or an unknown credential rolls everything back, the key included, so the caller can
   * fix the batch and send it again under the same key.
   */
  applyBatch(batch: UsageBatch): Promise<BatchOutcome> {
    return this.dataSource.transaction(async (manager): Promise<BatchOutcome> => {
      // The same arbiter as applyFlush: a concurrent attempt with this key (another instance) waits here until the first ends.
      const claimed: unknown[] = await manager.query(
        `INSERT INTO usage_flushes (id, batch_hash) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [batch.id, batch.hash],
      );
      if (claimed.length === 0) {
        const [seen] = (await manager.query(`SELECT batch_hash FROM usage_flushes WHERE id = $1`, [batch.id])) as Array<{
          batch_hash: string | null;
        }>;
        return { applied: false, hash: seen?.batch_hash ?? null };
      }
      await assertCredentialsOf(manager, batch.credentialProviders);
      try {
        await addProviderUsage(manager, batch.providers);
        if (batch.credentials.length > 0) await addCredentialUsage(manager, batch.credentials);
        await addDaily(manager, batch.calls.daily);
        await addOutcomes(manager, batch.calls.outcomes);
      } catch (error) {
        // Bounded amounts make an out-of-range sum the only permanent refusal these statements can meet.
        if (isPermanentDataError(error)) throw new UsageOutOfRangeError();
        throw error;
      }
      return { applied: true };
    });
  }

  /** Ledger rows are needed only while a retry of their flush may come; the index on flushed_at keeps this a range scan. */
  async pruneFlushes(olderThanMs: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM usage_flushes WHERE flushed_at < now() - $1::bigint * interval '1 millisecond'`, [
      olderThanMs,
    ]);
  }

  /** Outcome buckets older than this are past every window: the circuit never reads them again. */
  async pruneOutcomes(olderThanMs: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM call_outcome_buckets WHERE bucket_start < now() - $1::bigint * interval '1 millisecond'`, [
      olderThanMs,
    ]);
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

  /** Each provider's spend since its window start, in nanos (decimal strings). */
  async spendSince(windows: ReadonlyMap<string, Date>): Promise<Map<string, bigint>> {
    if (windows.size === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT u.provider, sum(u.cost_nanos)::text AS cost
       FROM unnest($1::text[], $2::date[]) AS w(provider, since)
       JOIN usage_daily u ON u.provider = w.provider AND u.day >= w.since
       GROUP BY u.provider`,
      [[...windows.keys()], [...windows.values()].map((d) => d.toISOString().slice(0, 10))],
    )) as Array<{ provider: string; cost: string }>;
    return new Map(rows.map((r) => [r.provider, BigInt(r.cost)]));
  }

  /**
   * Marks a provider's budget exhausted until its window ends, or clears the mark; false when it was
   * already so (nothing to announce). Only these columns: the change trigger announces it to every instance.
   */
  async setBudgetExhausted(provider: string, until: Date | null, decidedOn?: { usd: string; window: string }): Promise<boolean> {
    // Only while the budget is still the one the decision compared with: an instance that has not yet
    // heard of a raised budget must not mark the provider exhausted under the new one.
    const rows = await this.dataSource.query(
      `UPDATE provider_configs SET budget_exhausted_until = $2
       WHERE provider = $1 AND budget_exhausted_until IS DISTINCT FROM $2
         AND ($3::numeric IS NULL OR (budget_usd = $3::numeric AND budget_window = $4))
       RETURNING id`,
      [provider, until, decidedOn?.usd ?? null, decidedOn?.window ?? null],
    );
    return (rows as unknown[]).length > 0;
  }

  /** Claims the warning of this window for `provider`: true for exactly one caller across instances. */
  async claimBudgetWarning(provider: string, windowStart: Date): Promise<boolean> {
    const rows = await this.dataSource.query(
      `UPDATE provider_configs SET budget_warned_window = $2
       WHERE provider = $1 AND budget_warned_window IS DISTINCT FROM $2 RETURNING id`,
      [provider, windowStart],
    );
    return (rows as unknown[]).length > 0;
  }

  /** Usage and spend from `from` to `to` (days, inclusive), grouped as asked, largest spend first. */
  async spend(groupBy: readonly SpendGroup[], range: { from: string; to: string; provider?: string }): Promise<SpendRow[]> {
    const columns = groupBy.map((g) => SPEND_COLUMNS[g].column);
    const select = SPEND_GROUPS.map((g) => `${groupBy.includes(g) ? SPEND_COLUMNS[g].shown : 'NULL'} AS "${SPEND_ROW_KEYS[g]}"`).join(', ');
    return (await this.dataSource.query(
      `SELECT ${select}, sum(requests)::text AS requests, sum(input_tokens)::text AS "inputTokens",
              sum(output_tokens)::text AS "outputTokens", sum(cost_nanos)::text AS "costNanos"
       FROM usage_daily
       WHERE day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR provider = $3)
       ${columns.length > 0 ? `GROUP BY ${columns.join(', ')}` : ''}
       ORDER BY sum(cost_nanos) DESC, sum(requests) DESC${columns.length > 0 ? `, ${columns.join(', ')}` : ''}`,
      [range.from, range.to, range.provider ?? null],
    )) as SpendRow[];
  }

  findProviderUsage(): Promise<ProviderUsageRow[]> {
    return this.dataSource.getRepository(ProviderConfig).find({
      select: { provider: true, usageCount: true, lastUsedAt: true },
      order: { provider: 'ASC' },
    });
  }

  findCredentialUsage(): Promise<CredentialUsageRow[]> {
    return this.dataSource.getRepository(AICredential).find({
      select: {
        id: true,
        provider: true,
        credentialType: true,
        usageCount: true,
        inputTokens: true,
        outputTokens: true,
        lastUsedAt: true,
      },
      order: { provider: 'ASC', id: 'ASC' },
    });
  }
}

/** Usage reported under a credential that does not exist (or is another provider's) would vanish from its counters: refused. */
async function assertCredentialsOf(manager: EntityManager, expected: ReadonlyMap<string, string>): Promise<void> {
  if (expected.size === 0) return;
  const rows = (await manager.query(`SELECT id::text AS id, provider FROM ai_credentials WHERE id = ANY($1::bigint[])`, [
    [...expected.keys()],
  ])) as Array<{ id: string; provider: string }>;
  const found = new Map(rows.map((r) => [r.id, r.provider]));
  for (const [id, provider] of expected) {
    if (found.get(id) !== provider) throw new CredentialNotFoundError(provider, `#${id}`);
  }
}

/**
 * Writes `deltas` inside a savepoint; when the database refuses them for good, halves the set until
 * the refused deltas stand alone, so one bad entry costs O(log n) statements and blocks nothing else.
 */
async function addIsolating(
  manager: EntityManager,
  table: UsageTable,
  write: Write,
  deltas: UsageDelta[],
  dropped: DroppedUsage[],
): Promise<void> {
  if (deltas.length === 0) return;
  await manager.query('SAVEPOINT usage_part');
  try {
    await write(manager, deltas);
    await manager.query('RELEASE SAVEPOINT usage_part');
    return;
  } catch (error) {
    if (!isPermanentDataError(error)) throw error;
    await manager.query('ROLLBACK TO SAVEPOINT usage_part');
    await manager.query('RELEASE SAVEPOINT usage_part');
    if (deltas.length === 1) {
      dropped.push({ table, delta: deltas[0], reason: `${sqlStateOf(error)} ${(error as Error).message}` });
      return;
    }
  }
  const half = Math.ceil(deltas.length / 2);
  await addIsolating(manager, table, write, deltas.slice(0, half), dropped);
  await addIsolating(manager, table, write, deltas.slice(half), dropped);
}
