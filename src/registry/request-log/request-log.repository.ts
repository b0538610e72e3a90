import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isBigintId } from '../../common/bigint-id';
import { rowsOf } from '../../common/raw-rows';
import { REGISTRY_DATA_SOURCE } from '../kernel/registry-tokens';
import type { RequestLogEntry } from './request-log.entity';
import type { RequestLogRow } from './request-log.rows';
import type { RequestLogFilter } from './request-log.types';

/** A stored row with its consumer key's name, as a page reads it. */
export type RequestLogPageRow = Omit<RequestLogEntry, 'costNanos'> & {
  costNanos: string;
  keyName: string | null;
  /** started_at in microseconds since the epoch, exactly (a Date keeps only milliseconds): the cursor's half. */
  startedMicros: string;
};

/** Where a page continues: after (older than) this row. */
export interface RequestLogPosition {
  /** started_at in microseconds since the epoch. */
  startedMicros: string;
  id: string;
}

/** The request log's SQL: the flush's one multi-row insert, the bounded prune, the keyset pages. */
@Injectable()
export class RequestLogRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Inserts `rows` in one statement; a row whose id is already there (a retry of a flush whose reply
   * was lost) is skipped. Returns how many were new.
   */
  async insert(rows: readonly RequestLogRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    // Counted in the database: one row back instead of one per inserted row.
    const [{ n }] = await rowsOf<{ n: number }>(
      this.dataSource,
      `WITH inserted AS (
       INSERT INTO request_log (id, started_at, kind, consumer_key_id, model_asked, stream, provider, model, result,
                                upstream_status, error_code, failed_attempts, input_tokens, output_tokens, cost_nanos,
                                latency_ms, time_to_first_token_ms)
       SELECT r.id, r.started_at, r.kind, r.consumer_key_id, r.model_asked, r.stream, r.provider, r.model, r.result,
              r.upstream_status, r.error_code, r.failed_attempts::jsonb, r.input_tokens, r.output_tokens, r.cost_nanos,
              r.latency_ms, r.time_to_first_token_ms
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::bigint[], $5::text[], $6::boolean[], $7::text[], $8::text[],
                   $9::text[], $10::smallint[], $11::text[], $12::text[], $13::integer[], $14::integer[], $15::bigint[],
                   $16::integer[], $17::integer[])
         AS r(id, started_at, kind, consumer_key_id, model_asked, stream, provider, model, result, upstream_status, error_code,
              failed_attempts, input_tokens, output_tokens, cost_nanos, latency_ms, time_to_first_token_ms)
       ON CONFLICT (id) DO NOTHING
       RETURNING 1)
       SELECT count(*)::int AS n FROM inserted`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.startedAt),
        rows.map((r) => r.kind),
        rows.map((r) => r.consumerKeyId),
        rows.map((r) => r.modelAsked),
        rows.map((r) => (r.stream ? 't' : 'f')),
        rows.map((r) => r.provider),
        rows.map((r) => r.model),
        rows.map((r) => r.result),
        rows.map((r) => r.upstreamStatus),
        rows.map((r) => r.errorCode),
        rows.map((r) => JSON.stringify(r.failedAttempts)),
        rows.map((r) => r.inputTokens),
        rows.map((r) => r.outputTokens),
        rows.map((r) => r.costNanos.toString()),
        rows.map((r) => r.latencyMs),
        rows.map((r) => r.timeToFirstTokenMs),
      ],
    );
    return n;
  }

  /**
   * Deletes up to `batch` of the oldest rows started more than `days` ago (by the database's clock);
   * returns how many went. Rows another instance's prune holds are skipped, not waited for.
   */
  async pruneBatch(days: number, batch: number): Promise<number> {
    const deleted = await rowsOf(
      this.dataSource,
      `DELETE FROM request_log WHERE id IN (
         SELECT id FROM request_log WHERE started_at < now() - make_interval(days => $1)
         ORDER BY started_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING 1`,
      [days, batch],
    );
    return deleted.length;
  }

  /** Up to `limit` rows matching `filter`, newest first (started_at, then id), after `after` when given. */
  findPage(filter: RequestLogFilter, after: RequestLogPosition | undefined, limit: number): Promise<RequestLogPageRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.key !== undefined) {
      // Key names are never all digits, so digits are an id.
      where.push(
        isBigintId(filter.key)
          ? `r.consumer_key_id = ${param(filter.key)}`
          : `r.consumer_key_id = (SELECT id FROM consumer_keys WHERE name = ${param(filter.key)})`,
      );
    }
    if (filter.provider !== undefined) where.push(`r.provider = ${param(filter.provider)}`);
    if (filter.model !== undefined) where.push(`r.model = ${param(filter.model)}`);
    if (filter.result !== undefined) where.push(`r.result = ${param(filter.result)}`);
    if (filter.status !== undefined) where.push(`r.upstream_status = ${param(filter.status)}`);
    if (filter.from !== undefined) where.push(`r.started_at >= ${param(filter.from)}`);
    if (filter.to !== undefined) where.push(`r.started_at < ${param(filter.to)}`);
    if (after !== undefined)
      where.push(
        `(r.started_at, r.id) < (timestamptz 'epoch' + ${param(after.startedMicros)}::bigint * interval '1 microsecond', ${param(after.id)}::uuid)`,
      );
    return rowsOf<RequestLogPageRow>(
      this.dataSource,
      `SELECT r.id, r.started_at AS "startedAt", r.kind, r.consumer_key_id AS "consumerKeyId", k.name AS "keyName",
              r.model_asked AS "modelAsked", r.stream, r.provider, r.model, r.result, r.upstream_status AS "upstreamStatus",
              r.error_code AS "errorCode", r.failed_attempts AS "failedAttempts", r.input_tokens AS "inputTokens",
              r.output_tokens AS "outputTokens", r.cost_nanos::text AS "costNanos", r.latency_ms AS "latencyMs",
              r.time_to_first_token_ms AS "timeToFirstTokenMs",
              ((extract(epoch FROM r.started_at) * 1000000)::bigint)::text AS "startedMicros"
       FROM request_log r
       LEFT JOIN consumer_keys k ON k.id = r.consumer_key_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY r.started_at DESC, r.id DESC
       LIMIT ${param(limit)}`,
      params,
    );
  }
}
