import { Inject, Injectable, Logger } from '@nestjs/common';
import { formatUsd } from '../catalog/prices';
import { RegistrySettings } from '../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../kernel/registry-tokens';
import { decodeRequestCursor, encodeRequestCursor } from './request-log-cursor';
import { RequestLogPageRow, RequestLogRepository } from './request-log.repository';
import type { RequestLogPage, RequestLogQuery, RequestLogView } from './request-log.types';

/** Rows one prune statement deletes: short locks, bounded WAL per statement. */
export const REQUEST_LOG_PRUNE_BATCH = 5_000;
/** Statements one prune run issues at most; the rest waits for the next run. */
export const REQUEST_LOG_PRUNE_MAX_BATCHES = 200;

function view(row: RequestLogPageRow): RequestLogView {
  return {
    id: row.id,
    startedAt: row.startedAt.toISOString(),
    kind: row.kind,
    keyId: row.consumerKeyId,
    keyName: row.keyName,
    modelAsked: row.modelAsked,
    stream: row.stream,
    provider: row.provider,
    model: row.model,
    result: row.result,
    status: row.upstreamStatus,
    errorCode: row.errorCode,
    attempts: row.failedAttempts,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costUsd: formatUsd(BigInt(row.costNanos)),
    latencyMs: row.latencyMs,
    timeToFirstTokenMs: row.timeToFirstTokenMs,
  };
}

/** The gateway's request log as read back: filtered pages, newest first, and its pruning past REQUEST_LOG_DAYS. */
@Injectable()
export class RequestLogService {
  private readonly logger = new Logger(RequestLogService.name);

  constructor(
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    private readonly repository: RequestLogRepository,
  ) {}

  /** A page of calls, newest first (keyset on (started_at, id): stable while calls keep coming). */
  async list(query: RequestLogQuery): Promise<RequestLogPage> {
    const { cursor, limit, ...filter } = query;
    const after = cursor === undefined ? undefined : decodeRequestCursor(cursor);
    const rows = await this.repository.findPage(filter, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      requests: page.map(view),
      nextCursor: rows.length > limit ? encodeRequestCursor({ startedMicros: last.startedMicros, id: last.id }) : null,
    };
  }

  /**
   * Deletes rows older than REQUEST_LOG_DAYS, a batch per statement, up to a bounded number of batches
   * per run; returns how many went. Never throws (the next run tries again).
   */
  async prune(batch = REQUEST_LOG_PRUNE_BATCH, maxBatches = REQUEST_LOG_PRUNE_MAX_BATCHES): Promise<number> {
    let pruned = 0;
    try {
      for (let i = 0; i < maxBatches; i++) {
        const deleted = await this.repository.pruneBatch(this.settings.requestLogDays, batch);
        pruned += deleted;
        if (deleted < batch) break;
      }
      if (pruned > 0) this.logger.log(`Pruned ${pruned} request log row(s) older than ${this.settings.requestLogDays} day(s)`);
    } catch (error) {
      this.logger.warn(`Pruning the request log failed after ${pruned} row(s), will retry: ${(error as Error).message}`);
    }
    return pruned;
  }
}
