import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The ledger that makes usage flushes exactly-once: each flush inserts its id in the same transaction
 * as its counter updates, so whether a flush committed can be asked afterwards, even when the reply to
 * its COMMIT was lost. Rows are only needed while a retry may still come, and are pruned by age.
 */
@Entity('usage_flushes')
@Index('IDX_usage_flushes_flushed_at', ['flushedAt'])
export class UsageFlush {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_usage_flushes' })
  id: string;

  @Column({ name: 'flushed_at', type: 'timestamptz', default: () => 'now()' })
  flushedAt: Date;
}
