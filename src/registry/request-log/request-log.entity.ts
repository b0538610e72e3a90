import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { FailedAttempt } from '../calls/call-report';

/**
 * One gateway call as it ended (GatewayCallRecord), kept REQUEST_LOG_DAYS: who asked for what, who
 * answered after which failures, how it ended, what it took and cost. Never a prompt, an answer or a
 * key: the consumer key is its id (the name is joined when read), the failures are one-line reasons.
 *
 * The id is made by the instance that buffered the row (a UUID whose first bits are its time), so a
 * flush retried after a lost reply inserts nothing twice. No foreign key to consumer_keys: the log
 * outlives what it names, and a write per call must not wait on another table's locks.
 */
@Entity('request_log')
@Index('IDX_request_log_started', ['startedAt', 'id'])
@Index('IDX_request_log_key_started', ['consumerKeyId', 'startedAt', 'id'])
@Index('IDX_request_log_provider_started', ['provider', 'startedAt', 'id'])
@Index('IDX_request_log_model_started', ['model', 'startedAt', 'id'])
@Index('IDX_request_log_result_started', ['result', 'startedAt', 'id'])
@Index('IDX_request_log_status_started', ['upstreamStatus', 'startedAt', 'id'])
export class RequestLogEntry {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_request_log' })
  id: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  /** `chat` or `embeddings`. */
  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Column({ name: 'consumer_key_id', type: 'bigint', nullable: true })
  consumerKeyId: string | null;

  /** What the request's `model` said (cut to 200 characters); null when it named none. */
  @Column({ name: 'model_asked', type: 'varchar', length: 200, nullable: true })
  modelAsked: string | null;

  @Column({ type: 'boolean' })
  stream: boolean;

  /** Who answered; null when nobody did. */
  @Column({ type: 'varchar', length: 63, nullable: true })
  provider: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  model: string | null;

  /** How it ended: a GatewayResult when someone answered, a GatewayUnanswered reason otherwise. */
  @Column({ type: 'varchar', length: 32 })
  result: string;

  @Column({ name: 'upstream_status', type: 'smallint', nullable: true })
  upstreamStatus: number | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  /** Attempts before the one that answered (every attempt when none did), each with why it failed. */
  @Column({ name: 'failed_attempts', type: 'jsonb' })
  failedAttempts: FailedAttempt[];

  @Column({ name: 'input_tokens', type: 'integer', nullable: true })
  inputTokens: number | null;

  @Column({ name: 'output_tokens', type: 'integer', nullable: true })
  outputTokens: number | null;

  /** By the catalog's prices of the model that answered, in billionths of a USD; 0 without a price. */
  @Column({ name: 'cost_nanos', type: 'bigint' })
  costNanos: string;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs: number;

  @Column({ name: 'time_to_first_token_ms', type: 'integer', nullable: true })
  timeToFirstTokenMs: number | null;
}
