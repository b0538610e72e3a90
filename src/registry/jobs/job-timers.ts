import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * When a job's next run is planned, asked each time:
 * - `rate`: as a run starts, before it runs, so runs keep a fixed rate; a run still going when the
 *   next is due is the handler's to guard (the health sweep skips a tick while one runs);
 * - `after`: once a run settled, so the wait can grow with each failure in a row (the usage flush);
 * - `every`: a plain interval of fixed length (the snapshot resync).
 */
export type JobSchedule = { rate: () => number; firstMs: number } | { after: () => number } | { every: number };

/**
 * Named timers in @nestjs/schedule's SchedulerRegistry, so every timer of the module shows there by
 * name. Self-rescheduling timeouts rather than intervals where the next delay varies. Unref'd: a
 * timer never keeps the process alive.
 */
export class JobTimers {
  private readonly stopped = new Set<string>();

  constructor(private readonly scheduler: SchedulerRegistry) {}

  start(name: string, schedule: JobSchedule, run: () => unknown): void {
    this.stopped.delete(name);
    if ('every' in schedule) {
      const interval = setInterval(run, schedule.every);
      interval.unref();
      this.scheduler.addInterval(name, interval);
    } else if ('rate' in schedule) {
      this.rateTimeout(name, schedule.firstMs, schedule.rate, run);
    } else {
      this.afterTimeout(name, schedule.after(), schedule.after, run);
    }
  }

  /** Removes the timer; a run in flight finishes (its service waits for it) but plans no next one. */
  stop(name: string): void {
    this.stopped.add(name);
    if (this.scheduler.doesExist('timeout', name)) this.scheduler.deleteTimeout(name);
    if (this.scheduler.doesExist('interval', name)) this.scheduler.deleteInterval(name);
  }

  private rateTimeout(name: string, delay: number, next: () => number, run: () => unknown): void {
    this.timeout(name, delay, () => {
      if (this.stopped.has(name)) return;
      this.rateTimeout(name, next(), next, run);
      void run();
    });
  }

  private afterTimeout(name: string, delay: number, next: () => number, run: () => unknown): void {
    this.timeout(name, delay, async () => {
      await run();
      if (!this.stopped.has(name)) this.afterTimeout(name, next(), next, run);
    });
  }

  private timeout(name: string, delay: number, fire: () => unknown): void {
    const timer = setTimeout(() => {
      this.scheduler.deleteTimeout(name);
      void fire();
    }, delay);
    timer.unref();
    this.scheduler.addTimeout(name, timer);
  }
}
