import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { RegistryMetrics, detachedMetrics } from '../../metrics/registry-metrics';
import { RegistrySettings } from '../../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../../kernel/registry-tokens';
import type { HealthStatus } from '../../kernel/health-status';
import type { HealthCheckResult } from './health.types';
import { SchedulerRunRepository } from './scheduler-run.repository';
import { HealthService } from './health.service';

const JOB = 'health';

/**
 * The health sweep every HEALTH_CHECK_INTERVAL_MS (0 = off), ticked by RegistryJobs' timer
 * (registry.health-sweep). Not @Interval: ticks keep a fixed rate, a tick never starts a sweep while
 * one runs here, every instance claims the interval in the database first, and shutdown waits for a
 * sweep in flight.
 *
 * Ticks are planned on the monotonic clock (performance.now): a wall-clock step (NTP, a VM resumed,
 * an operator) neither stalls the schedule nor makes it catch up. Which instance sweeps is decided
 * on the database clock (SchedulerRunRepository.claimInterval), the one clock all instances share.
 */
@Injectable()
export class HealthScheduler implements BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthScheduler.name);
  private readonly instance = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private nextAt = 0;
  /** Sweeps this instance ran; for operators and tests. */
  sweeps = 0;

  constructor(
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    private readonly runs: SchedulerRunRepository,
    private readonly health: HealthService,
    @Optional() private readonly metrics: RegistryMetrics = detachedMetrics(),
  ) {}

  /** Plans ticks from now, the first at once; false (and logged) when scheduled health checks are off. */
  beginSchedule(): boolean {
    if (this.settings.healthCheckIntervalMs === 0) {
      this.logger.log('HEALTH_CHECK_INTERVAL_MS=0: scheduled health checks are off');
      return false;
    }
    this.nextAt = performance.now();
    return true;
  }

  /** Asked as a tick fires: the wait until the next one, keeping the fixed rate. */
  nextTickDelayMs(): number {
    const now = performance.now();
    this.nextAt = nextTickAt(this.nextAt, this.settings.healthCheckIntervalMs, now);
    return this.nextAt - now;
  }

  /** RegistryJobs removes the timer beside this; a sweep in flight is let finish, then cut short. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    // Let the sweep finish (probes are bounded by their timeout), then cut it short.
    const grace = this.settings.healthTimeoutMs + 1000;
    const finished = await Promise.race([this.running.then(() => true), sleep(grace).then(() => false)]);
    if (!finished) {
      this.logger.warn(`Health sweep still running after ${grace} ms at shutdown: cancelling it`);
      this.abort?.abort();
      await Promise.race([this.running, sleep(2000)]);
    }
  }

  /** One tick: claim the interval, then sweep and prune. Failures are logged; the next tick runs. */
  async tick(): Promise<boolean> {
    if (this.running) {
      this.metrics.sweepTicks.inc({ result: 'busy' });
      return false;
    }
    const interval = this.settings.healthCheckIntervalMs;
    const tolerance = Math.min(Math.floor(interval * 0.05), 500);
    let claimed = false;
    const run = (async () => {
      try {
        claimed = await this.runs.claimInterval(JOB, interval, this.instance, tolerance);
        this.metrics.sweepTicks.inc({ result: claimed ? 'claimed' : 'skipped' });
        if (!claimed) return;
        this.sweeps++;
        const timer = this.metrics.sweepDuration.startTimer();
        this.abort = new AbortController();
        const sweep = await this.health.checkAll(this.abort.signal);
        const pruned = await this.health.pruneHistory();
        await this.runs.markFinished(JOB, this.instance);
        timer();
        this.metrics.sweeps.inc({ outcome: 'completed' });
        // The counts also as fields of the JSON line (nestjs-pino merges an object first argument).
        this.logger.log(
          {
            sweep: {
              providers: sweep.results.length,
              durationMs: sweep.durationMs,
              ...statusCounts(sweep.results),
              errors: sweep.errors.length,
              pruned,
            },
          },
          `Health sweep: ${sweep.results.length} provider(s) in ${sweep.durationMs} ms` +
            (sweep.errors.length ? `, ${sweep.errors.length} error(s)` : '') +
            (pruned ? `, pruned ${pruned} old check(s)` : ''),
        );
      } catch (error) {
        if (claimed) this.metrics.sweeps.inc({ outcome: 'failed' });
        this.logger.error(`Health sweep failed: ${(error as Error).message}`);
      } finally {
        this.abort = null;
      }
    })();
    this.running = run;
    await run.finally(() => (this.running = null));
    return claimed;
  }
}

/**
 * Fixed rate: the next tick is due one interval after this one was, however long this one took. A
 * tick that fired more than an interval late (the event loop or the process was stalled) skips the
 * ticks it missed instead of running them back to back: one sweep per interval is all that is wanted.
 */
function nextTickAt(dueAt: number, interval: number, now: number): number {
  const missed = Math.max(0, Math.floor((now - dueAt) / interval));
  return dueAt + (missed + 1) * interval;
}

/** The sweep's results by status, for its log line. */
function statusCounts(results: readonly HealthCheckResult[]): Record<HealthStatus, number> {
  const counts: Record<HealthStatus, number> = { healthy: 0, degraded: 0, unhealthy: 0, unknown: 0 };
  for (const { status } of results) counts[status]++;
  return counts;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
