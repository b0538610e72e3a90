import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';
import type { DailyDelta } from './call-tally';
import type { SpendGroup } from './spend-report';

/** One row of a spend report; the grouping columns are null when not grouped by. */
export interface SpendRow {
  provider: string | null;
  model: string | null;
  credentialId: string | null;
  keyId: string | null;
  keyName: string | null;
  day: string | null;
  requests: string;
  inputTokens: string;
  outputTokens: string;
  costNanos: string;
}

type SpendField = Exclude<keyof SpendRow, 'requests' | 'inputTokens' | 'outputTokens' | 'costNanos'>;

/**
 * Per grouping: the columns it groups by and the fields of the row it fills. A consumer key is named
 * by its name, from consumer_keys (joined only when grouped by key; keys are revoked, never deleted,
 * so only a row deleted by hand leaves a key without a name); '' for usage without a key (id 0), as
 * the model is '' for usage without one.
 */
const SPEND_COLUMNS: Record<SpendGroup, { columns: string[]; shown: Partial<Record<SpendField, string>> }> = {
  provider: { columns: ['u.provider'], shown: { provider: 'u.provider' } },
  model: { columns: ['u.model'], shown: { model: 'u.model' } },
  credential: { columns: ['u.credential_id'], shown: { credentialId: 'u.credential_id::text' } },
  key: {
    columns: ['u.consumer_key_id', 'k.name'],
    shown: { keyId: 'u.consumer_key_id::text', keyName: `coalesce(k.name, '')` },
  },
  day: { columns: ['u.day'], shown: { day: `to_char(u.day, 'YYYY-MM-DD')` } },
};

const SPEND_FIELDS: SpendField[] = ['provider', 'model', 'credentialId', 'keyId', 'keyName', 'day'];

/**
 * usage_daily: requests, tokens and cost per day, provider, model, credential and consumer key, which
 * every instance's flush adds to exactly once. Spend reports and budgets read it.
 */
@Injectable()
export class UsageDailyRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Spend per day: `n = n + delta` on the row, created at zero when it is the day's first. Takes the
   * caller's transaction: it is written with the flush's or batch's ledger row, or not at all.
   */
  async add(manager: EntityManager, deltas: DailyDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await manager.query(
      `INSERT INTO usage_daily AS u (day, provider, model, credential_id, consumer_key_id, requests, input_tokens, output_tokens, cost_nanos)
       SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
       ON CONFLICT (day, provider, model, credential_id, consumer_key_id) DO UPDATE
       SET requests = u.requests + EXCLUDED.requests,
           input_tokens = u.input_tokens + EXCLUDED.input_tokens,
           output_tokens = u.output_tokens + EXCLUDED.output_tokens,
           cost_nanos = u.cost_nanos + EXCLUDED.cost_nanos`,
      [
        deltas.map((d) => d.day),
        deltas.map((d) => d.provider),
        deltas.map((d) => d.model),
        deltas.map((d) => d.credentialId),
        deltas.map((d) => d.consumerKeyId),
        deltas.map((d) => d.requests.toString()),
        deltas.map((d) => d.inputTokens.toString()),
        deltas.map((d) => d.outputTokens.toString()),
        deltas.map((d) => d.costNanos.toString()),
      ],
    );
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

  /** Usage and spend from `from` to `to` (days, inclusive), grouped as asked, largest spend first. */
  async spend(groupBy: readonly SpendGroup[], range: { from: string; to: string; provider?: string }): Promise<SpendRow[]> {
    const columns = groupBy.flatMap((g) => SPEND_COLUMNS[g].columns);
    const shown: Partial<Record<SpendField, string>> = Object.assign({}, ...groupBy.map((g) => SPEND_COLUMNS[g].shown));
    const select = SPEND_FIELDS.map((field) => `${shown[field] ?? 'NULL'} AS "${field}"`).join(', ');
    const byKey = groupBy.includes('key') ? 'LEFT JOIN consumer_keys k ON k.id = u.consumer_key_id' : '';
    return (await this.dataSource.query(
      `SELECT ${select}, sum(u.requests)::text AS requests, sum(u.input_tokens)::text AS "inputTokens",
              sum(u.output_tokens)::text AS "outputTokens", sum(u.cost_nanos)::text AS "costNanos"
       FROM usage_daily u ${byKey}
       WHERE u.day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR u.provider = $3)
       ${columns.length > 0 ? `GROUP BY ${columns.join(', ')}` : ''}
       ORDER BY sum(u.cost_nanos) DESC, sum(u.requests) DESC${columns.length > 0 ? `, ${columns.join(', ')}` : ''}`,
      [range.from, range.to, range.provider ?? null],
    )) as SpendRow[];
  }
}
