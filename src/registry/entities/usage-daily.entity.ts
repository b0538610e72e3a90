import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Usage and spend per day, provider, model, credential and consumer key, added to by the usage flush
 * in the transaction of its ledger row, so it is exact like the counters. `model` is '', and
 * `credential_id` and `consumer_key_id` 0, when a record named none (only gateway calls carry a
 * consumer key). Cost is in billionths of a USD (an exact integer sum).
 */
@Entity('usage_daily')
@Index('IDX_usage_daily_provider_day', ['provider', 'day'])
export class UsageDaily {
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'PK_usage_daily' })
  day: string;

  @PrimaryColumn({ type: 'varchar', length: 63, primaryKeyConstraintName: 'PK_usage_daily' })
  provider: string;

  @PrimaryColumn({ type: 'varchar', length: 200, primaryKeyConstraintName: 'PK_usage_daily' })
  model: string;

  @PrimaryColumn({ name: 'credential_id', type: 'bigint', primaryKeyConstraintName: 'PK_usage_daily' })
  credentialId: string;

  @PrimaryColumn({ name: 'consumer_key_id', type: 'bigint', default: 0, primaryKeyConstraintName: 'PK_usage_daily' })
  consumerKeyId: string;

  @Column({ type: 'bigint', default: 0 })
  requests: string;

  @Column({ name: 'input_tokens', type: 'bigint', default: 0 })
  inputTokens: string;

  @Column({ name: 'output_tokens', type: 'bigint', default: 0 })
  outputTokens: string;

  @Column({ name: 'cost_nanos', type: 'bigint', default: 0 })
  costNanos: string;
}
