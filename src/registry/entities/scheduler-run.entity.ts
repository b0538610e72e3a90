import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per scheduled job. An instance claims an interval with a conditional UPDATE on the
 * database clock, so across all instances exactly one run starts per interval.
 */
@Entity('scheduler_runs')
export class SchedulerRun {
  @PrimaryColumn({ type: 'varchar', length: 63, primaryKeyConstraintName: 'PK_scheduler_runs' })
  name: string;

  @Column({ name: 'last_started_at', type: 'timestamptz', nullable: true })
  lastStartedAt: Date | null;

  @Column({ name: 'last_finished_at', type: 'timestamptz', nullable: true })
  lastFinishedAt: Date | null;

  @Column({ name: 'started_by', type: 'varchar', length: 255, nullable: true })
  startedBy: string | null;
}
