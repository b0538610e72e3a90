import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How much of one consumer key's limit the instances have leased in one window: `granted` is the sum
 * of every slice handed out, never above the limit (one conditional upsert grants a slice). Rate
 * windows are UTC minutes, budgets UTC days or months. Calls in flight are held elsewhere, per
 * instance (consumer_key_parallel_slots).
 */
@Entity('consumer_key_allowances')
@Check('CHK_consumer_key_allowances_kind', `"kind" IN ('requests', 'tokens', 'usd_nanos')`)
@Check('CHK_consumer_key_allowances_granted', `"granted" >= 0`)
export class ConsumerKeyAllowance {
  @PrimaryColumn({ name: 'consumer_key_id', type: 'bigint', primaryKeyConstraintName: 'PK_consumer_key_allowances' })
  consumerKeyId: string;

  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'PK_consumer_key_allowances' })
  kind: 'requests' | 'tokens' | 'usd_nanos';

  @PrimaryColumn({ name: 'window_start', type: 'timestamptz', primaryKeyConstraintName: 'PK_consumer_key_allowances' })
  windowStart: Date;

  @Column({ type: 'bigint', default: 0 })
  granted: string;

  /** What the last lease granted (its RETURNING reads it: the row's new total alone would not tell). */
  @Column({ name: 'last_lease', type: 'bigint', default: 0 })
  lastLease: string;

  /** Whether the budget's warning was logged in this window (claimed by one instance). */
  @Column({ type: 'boolean', default: false })
  warned: boolean;
}
