import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Outcomes of real calls per provider and model in 10-second buckets, shared by every instance
 * (added to by each one's usage flush), so the circuit decides on everyone's traffic. Pruned after a day.
 */
@Entity('call_outcome_buckets')
@Index('IDX_call_outcome_buckets_bucket', ['bucketStart'])
export class CallOutcomeBucket {
  @PrimaryColumn({ type: 'varchar', length: 63, primaryKeyConstraintName: 'PK_call_outcome_buckets' })
  provider: string;

  @PrimaryColumn({ name: 'bucket_start', type: 'timestamptz', primaryKeyConstraintName: 'PK_call_outcome_buckets' })
  bucketStart: Date;

  @PrimaryColumn({ type: 'varchar', length: 200, primaryKeyConstraintName: 'PK_call_outcome_buckets' })
  model: string;

  // bigint like every counter here: one record may stand for up to 2^31 calls, and a bucket sums many.
  @Column({ type: 'bigint', default: 0 })
  successes: string;

  @Column({ type: 'bigint', default: 0 })
  errors: string;

  @Column({ type: 'bigint', default: 0 })
  timeouts: string;

  @Column({ name: 'rate_limited', type: 'bigint', default: 0 })
  rateLimited: string;

  @Column({ name: 'auth_errors', type: 'bigint', default: 0 })
  authErrors: string;

  @Column({ name: 'latency_ms_sum', type: 'bigint', default: 0 })
  latencyMsSum: string;
}
