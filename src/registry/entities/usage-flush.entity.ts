import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The ledger that makes usage flushes exactly-once: each flush inserts its id in the same transaction
 * as its counter updates, so whether a flush committed can be asked afterwards, even when the reply to
 * its COMMIT was lost. API usage batches record their Idempotency-Key here the same way. Rows are only
 * needed while a retry may still come, and are pruned by age.
 */
@Entity('usage_flushes')
@Index('IDX_usage_flushes_flushed_at', ['flushedAt'])
export class UsageFlush {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_usage_flushes' })
  id: string;

  @Column({ name: 'flushed_at', type: 'timestamptz', default: () => 'now()' })
  flushedAt: Date;

  /** Set on an API batch's row only: the sha256 of what it carried, which tells a retry from a key reused for other usage. */
  @Column({ name: 'batch_hash', type: 'character', length: 64, nullable: true })
  batchHash: string | null;
}
