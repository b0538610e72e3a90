import type { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { retryDelayMs } from './retry-delay';

/** Scheduled flushes back off up to this (or the flush interval, if longer) while the database fails. */
const RETRY_CAP_MS = 60_000;
/** At shutdown there is one chance left: retry often until the deadline. */
const SHUTDOWN_RETRY_BASE_MS = 50;
const SHUTDOWN_RETRY_CAP_MS = 1000;

/**
 * How a buffer of ours reaches the database (usage, the request log): `write` runs one flush at a time,
 * the schedule backs off while it fails, and the final flush at shutdown retries until its deadline.
 */
export class SerialFlush {
  private running: Promise<void> = Promise.resolve();
  private failuresInARow = 0;

  constructor(
    private readonly write: () => Promise<void>,
    /** What the log lines call it: `Usage flush`, `Request log flush`. */
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  /** Writes everything buffered so far. Flushes run one after another, never two at once. */
  run(): Promise<void> {
    const run = this.running.catch(() => undefined).then(() => this.write());
    this.running = run;
    return run;
  }

  /** The wait before the next scheduled flush: `intervalMs`, doubled by each failure in a row, capped. */
  nextDelayMs(intervalMs: number): number {
    return retryDelayMs(this.failuresInARow, intervalMs, Math.max(intervalMs, RETRY_CAP_MS));
  }

  /**
   * A scheduled flush through `flush` (the owner's public flush(), so every flush takes one path). Never
   * throws: a failure is logged and counted for the backoff.
   */
  async onSchedule(flush: () => Promise<void>): Promise<void> {
    try {
      await flush();
      this.failuresInARow = 0;
    } catch (error) {
      this.failuresInARow++;
      this.logger.warn(`${this.name} failed (${this.failuresInARow} in a row), will retry: ${(error as Error).message}`);
    }
  }

  /**
   * The final flush through `flush`, retried until `budgetMs`. Never throws (a rejected shutdown hook would make Nest
   * skip the hooks after it); a failure is logged as an error with what `unwritten` says is left.
   */
  async final(flush: () => Promise<void>, budgetMs: number, unwritten: () => string): Promise<void> {
    const started = performance.now();
    for (let failures = 1; ; failures++) {
      try {
        await withinMs(flush(), budgetMs - (performance.now() - started));
        return;
      } catch (error) {
        const wait = retryDelayMs(failures, SHUTDOWN_RETRY_BASE_MS, SHUTDOWN_RETRY_CAP_MS);
        if (performance.now() - started + wait >= budgetMs) {
          this.logger.error(
            `Final ${this.name.toLowerCase()} failed after ${failures} attempt(s) within ${budgetMs} ms: ${unwritten()} (${(error as Error).message})`,
          );
          return;
        }
        this.logger.warn(`Final ${this.name.toLowerCase()} failed, retrying in ${wait} ms: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not finish within ${ms} ms`)), Math.max(0, ms));
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
