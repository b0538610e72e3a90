import type { DataSource } from 'typeorm';

/**
 * Claims the current interval of a scheduled job for this instance, on the database clock: the
 * conditional UPDATE succeeds for exactly one instance per interval whatever their timers' phase
 * (the way pg-boss and graphile-worker elect one cron runner). Claims depend only on when the last
 * run started, so a run that died mid-way never blocks the next interval.
 *
 * `toleranceMs` absorbs the few ms between an instance's timer and its statement reaching the
 * database, so a lone instance ticking every interval does not skip every other one.
 */
export async function claimInterval(
  dataSource: DataSource,
  job: string,
  intervalMs: number,
  instance: string,
  toleranceMs: number,
): Promise<boolean> {
  // One statement: the first run creates the job's row, every later one claims it only when due.
  const rows = await dataSource.query(
    `INSERT INTO scheduler_runs AS r (name, last_started_at, started_by) VALUES ($1, now(), $3)
     ON CONFLICT (name) DO UPDATE SET last_started_at = now(), started_by = EXCLUDED.started_by
     WHERE r.last_started_at IS NULL OR r.last_started_at <= now() - make_interval(secs => $2::double precision / 1000)
     RETURNING name, last_started_at`,
    [job, Math.max(0, intervalMs - toleranceMs), instance],
  );
  return rows.length === 1;
}

export async function markFinished(dataSource: DataSource, job: string, instance: string): Promise<void> {
  await dataSource.query(`UPDATE scheduler_runs SET last_finished_at = now() WHERE name = $1 AND started_by = $2`, [job, instance]);
}
