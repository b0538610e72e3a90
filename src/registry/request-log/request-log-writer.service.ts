import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { GatewayCallRecord, GatewayObserver, GatewayObservers } from '../gateway/gateway-observers';
import { RegistrySettings } from '../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../kernel/registry-tokens';
import { RegistryMetrics } from '../metrics/registry-metrics';
import { retryDelayMs } from '../usage/retry-delay';
import { BoundedQueue } from './bounded-queue';
import { RequestLogMetrics } from './request-log-metrics';
import { RequestLogRow, requestLogRow } from './request-log.rows';
import { RequestLogRepository } from './request-log.repository';

/** Calls buffered past this are dropped, the oldest first: a database that does not keep up costs log rows, never memory without end. */
export const REQUEST_LOG_BUFFER_MAX = 50_000;
/** Rows per INSERT: one statement's arrays stay a few MB. */
export const REQUEST_LOG_BATCH_MAX = 5_000;
const RETRY_CAP_MS = 60_000;
const SHUTDOWN_RETRY_BASE_MS = 50;
const SHUTDOWN_RETRY_CAP_MS = 1000;
const DROP_WARN_EVERY_MS = 60_000;

/**
 * The request log's writer: a GatewayObserver that only buffers each ended call in memory (bounded),
 * and a flush, ticked by RegistryJobs every USAGE_FLUSH_MS (backing off while the database fails) and
 * once more at shutdown, that writes the buffer in multi-row INSERTs.
 *
 * Exactly once: a batch taken from the buffer gets its row ids then, and is held until the database
 * answered; a failed flush sends the same batch again, and rows already in (a lost reply) are skipped.
 */
@Injectable()
export class RequestLogWriter implements GatewayObserver, OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestLogWriter.name);
  private readonly pending = new BoundedQueue<GatewayCallRecord>(REQUEST_LOG_BUFFER_MAX);
  /** Taken from the buffer and sent, not known to be written: it goes again unchanged. */
  private held: RequestLogRow[] | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private scheduledFailures = 0;
  private droppedSinceWarning = 0;
  private lastDropWarningAt = -Infinity;
  private readonly metrics: RequestLogMetrics;

  constructor(
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly observers: GatewayObservers,
    private readonly repository: RequestLogRepository,
    metrics: RegistryMetrics,
  ) {
    this.metrics = new RequestLogMetrics(metrics, () => this.pendingRows());
  }

  onModuleInit(): void {
    this.observers.add(this);
  }

  /** On the call's path: one push, never a query, never a throw. */
  callEnded(record: GatewayCallRecord): void {
    if (!this.pending.push(record)) return;
    this.metrics.dropped.inc();
    this.droppedSinceWarning++;
    const now = performance.now();
    if (now - this.lastDropWarningAt < DROP_WARN_EVERY_MS) return;
    this.lastDropWarningAt = now;
    this.logger.warn(
      `Request log buffer full (${REQUEST_LOG_BUFFER_MAX} calls): dropped the oldest ${this.droppedSinceWarning} call(s) since the last warning; the database is not keeping up`,
    );
    this.droppedSinceWarning = 0;
  }

  /** Calls buffered or sent and not yet known to be written. */
  pendingRows(): number {
    return this.pending.size + (this.held?.length ?? 0);
  }

  /** Writes everything buffered so far. Flushes run one after another, never two at once. */
  flush(): Promise<void> {
    const run = this.flushing.catch(() => undefined).then(() => this.writePending());
    this.flushing = run;
    return run;
  }

  /** The wait before the next scheduled flush: USAGE_FLUSH_MS, doubled by each failure in a row, capped. */
  nextFlushDelayMs(): number {
    const base = this.settings.usageFlushMs;
    return retryDelayMs(this.scheduledFailures, base, Math.max(base, RETRY_CAP_MS));
  }

  /** A scheduled flush. Never throws: a failure is logged and counted for the backoff. */
  async flushOnSchedule(): Promise<void> {
    try {
      await this.flush();
      this.scheduledFailures = 0;
    } catch (error) {
      this.scheduledFailures++;
      this.logger.warn(`Request log flush failed (${this.scheduledFailures} in a row), will retry: ${(error as Error).message}`);
    }
  }

  /** The final flush, retried until SHUTDOWN_TIMEOUT_MS. Never throws (Nest would skip the hooks after it). */
  async beforeApplicationShutdown(): Promise<void> {
    const budget = this.settings.shutdownFlushTimeoutMs;
    const started = performance.now();
    for (let failures = 1; ; failures++) {
      try {
        await withinMs(this.flush(), budget - (performance.now() - started));
        return;
      } catch (error) {
        const wait = retryDelayMs(failures, SHUTDOWN_RETRY_BASE_MS, SHUTDOWN_RETRY_CAP_MS);
        if (performance.now() - started + wait >= budget) {
          this.logger.error(
            `Final request log flush failed after ${failures} attempt(s) within ${budget} ms: ${this.pendingRows()} call(s) are not logged (${(error as Error).message})`,
          );
          return;
        }
        await sleep(wait);
      }
    }
  }

  private async writePending(): Promise<void> {
    for (;;) {
      if (this.held === undefined) {
        if (this.pending.size === 0) return;
        this.held = this.pending.take(REQUEST_LOG_BATCH_MAX).map((record) => requestLogRow(record, this.catalog));
      }
      try {
        await this.repository.insert(this.held);
      } catch (error) {
        this.metrics.flushFailures.inc();
        throw error;
      }
      this.metrics.written.inc(this.held.length);
      this.held = undefined;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not finish within ${ms} ms`)), Math.max(0, ms));
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
