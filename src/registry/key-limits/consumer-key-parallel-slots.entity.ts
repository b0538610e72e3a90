import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The calls in flight (max_parallel) one holder — one instance — may have of one consumer key: its
 * slots, good until `expires_at` (the database's clock). A holder renews its rows while it holds any
 * (a heartbeat), so a holder that died stops counting once its rows expire; slots are only ever added
 * under the key's advisory lock (ParallelSlotRepository.take), which makes the live rows' sum exact.
 */
@Entity('consumer_key_parallel_slots')
@Check('CHK_consumer_key_parallel_slots_slots', `"slots" >= 0`)
export class ConsumerKeyParallelSlots {
  @PrimaryColumn({ name: 'consumer_key_id', type: 'bigint', primaryKeyConstraintName: 'PK_consumer_key_parallel_slots' })
  consumerKeyId: string;

  /** The instance holding them: a random id per process start. */
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_consumer_key_parallel_slots' })
  holder: string;

  @Column({ type: 'integer' })
  slots: number;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
