import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from '../../../common/raw-rows';
import { REGISTRY_DATA_SOURCE } from '../../kernel/registry-tokens';

/** All SQL of `scheduler_runs`: one row per scheduled job. */
@Injectable()
export class SchedulerRunRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Claims the current interval of a scheduled job for this instance, on the database clock: the
   * conditional UPDATE succeeds for exactly one instance per interval whatever their timers' phase
   * (the way pg-boss and graphile-worker elect one cron runner). Claims depend only on when the last
   * run started, so a run that died mid-way never blocks the next interval.
   *
   * `toleranceMs` absorbs the few ms between an instance's timer and its statement reaching the
   * database, so a lone instance ticking every interval does not skip every other one.
   */
  async claimInterval(job: string, intervalMs: number, instance: string, toleranceMs: number): Promise<boolean> {
    // One statement: the first run creates the job's row, every later one claims it only when due.
    const rows = await rowsOf(
      this.dataSource,
      `INSERT INTO scheduler_runs AS r (name, last_started_at, started_by) VALUES ($1, now(), $3)
       ON CONFLICT (name) DO UPDATE SET last_started_at = now(), started_by = EXCLUDED.started_by
       WHERE r.last_started_at IS NULL OR r.last_started_at <= now() - make_interval(secs => $2::double precision / 1000)
       RETURNING name, last_started_at`,
      [job, Math.max(0, intervalMs - toleranceMs), instance],
    );
    return rows.length === 1;
  }

  async markFinished(job: string, instance: string): Promise<void> {
    await this.dataSource.query(`UPDATE scheduler_runs SET last_finished_at = now() WHERE name = $1 AND started_by = $2`, [job, instance]);
  }
}
