import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { GatewayCallRecord, GatewayObserver, GatewayObservers } from '../gateway/gateway-observers';
import { RegistrySettings } from '../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../kernel/registry-tokens';
import { RegistryMetrics } from '../metrics/registry-metrics';
import { SerialFlush } from '../usage/serial-flush';
import { BoundedQueue } from './bounded-queue';
import { RequestLogMetrics } from './request-log-metrics';
import { RequestLogRow, requestLogRow } from './request-log.rows';
import { RequestLogRepository } from './request-log.repository';

/** Calls buffered past this are dropped, the oldest first: a database that does not keep up costs log rows, never memory without end. */
export const REQUEST_LOG_BUFFER_MAX = 50_000;
/** Rows per INSERT: one statement's arrays stay a few MB. */
export const REQUEST_LOG_BATCH_MAX = 5_000;
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
  private readonly flushes = new SerialFlush(() => this.writePending(), 'Request log flush', this.logger);
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
    return this.flushes.run();
  }

  /** The wait before the next scheduled flush: USAGE_FLUSH_MS, doubled by each failure in a row, capped. */
  nextFlushDelayMs(): number {
    return this.flushes.nextDelayMs(this.settings.usageFlushMs);
  }

  /** A scheduled flush. Never throws: a failure is logged and counted for the backoff. */
  flushOnSchedule(): Promise<void> {
    return this.flushes.onSchedule(() => this.flush());
  }

  /** The final flush, retried until SHUTDOWN_TIMEOUT_MS. Never throws (Nest would skip the hooks after it). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flushes.final(
      () => this.flush(),
      this.settings.shutdownFlushTimeoutMs,
      () => `${this.pendingRows()} call(s) are not logged`,
    );
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
