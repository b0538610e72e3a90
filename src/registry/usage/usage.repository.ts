import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AICredential } from '../entities/provider-config.entity';
import { ProviderConfig } from '../entities/provider-config.entity';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';
import { CredentialNotFoundError } from '../kernel/registry.errors';
import type { CallDeltas } from './call-tally';
import { OutcomeBucketRepository } from './outcome-bucket.repository';
import { isPermanentDataError } from './permanent-data-error';
import { SetWrite, writeBisecting } from './savepoint-bisection';
import { UsageDailyRepository } from './usage-daily.repository';
import { UsageOutOfRangeError } from './usage.errors';
import type { UsageDelta } from './usage-tally';

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

/** Only the usage columns: the change-notification triggers ignore them, and no other writer owns them. */
const addProviderUsage: SetWrite<UsageDelta> = (manager, deltas) =>
  manager.query(
    `UPDATE provider_configs p
     SET usage_count = p.usage_count + d.requests,
         last_used_at = GREATEST(p.last_used_at, d.last_used_at)
     FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS d(provider, requests, last_used_at)
     WHERE p.provider = d.provider`,
    [deltas.map((d) => d.key), deltas.map((d) => d.requests.toString()), deltas.map((d) => d.lastUsedAt)],
  );

const addCredentialUsage: SetWrite<UsageDelta> = (manager, deltas) =>
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

/**
 * The usage counters of provider_configs and ai_credentials (owned by the usage flusher alone) and the
 * flush ledger (usage_flushes) that makes each flush and API batch count exactly once. A flush or batch
 * is one transaction with its ledger row, so it also carries the daily sums and outcome buckets, whose
 * SQL their own repositories hold.
 */
@Injectable()
export class UsageRepository {
  constructor(
    @Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly daily: UsageDailyRepository,
    private readonly outcomes: OutcomeBucketRepository,
  ) {}

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
      await writeBisecting(manager, addProviderUsage, providers, (delta, reason) =>
        dropped.push({ table: 'provider_configs', delta, reason }),
      );
      await writeBisecting(manager, addCredentialUsage, credentials, (delta, reason) =>
        dropped.push({ table: 'ai_credentials', delta, reason }),
      );
      // Bounded per record and summed per flush, these cannot leave their columns' range the way lifetime counters could.
      await this.daily.add(manager, calls.daily);
      await this.outcomes.add(manager, calls.outcomes);
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
        await this.daily.add(manager, batch.calls.daily);
        await this.outcomes.add(manager, batch.calls.outcomes);
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
