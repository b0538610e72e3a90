import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { expiryTransformer } from './expiry-transformer';

/**
 * A consumer key: what a service calling the gateway (`/v1/*`) authenticates with. Not an operator's
 * API token: it reads and changes nothing of the registry, it only calls models (`models`, or every
 * one). Only the key's SHA-256 is stored, and its first characters to tell keys apart in a list.
 */
@Entity('consumer_keys')
@Check('CHK_consumer_keys_models', `"models" IS NULL OR cardinality("models") > 0`)
@Check(
  'CHK_consumer_keys_limits',
  `"rpm" > 0 AND "tpm" > 0 AND "max_parallel" > 0 AND "budget_usd" > 0 AND "budget_warn_ratio" > 0 AND "budget_warn_ratio" <= 1`,
)
@Check('CHK_consumer_keys_budget_window', `("budget_usd" IS NULL) = ("budget_window" IS NULL) AND "budget_window" IN ('day', 'month')`)
export class ConsumerKey {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'PK_consumer_keys' })
  id: string;

  @Index('UQ_consumer_keys_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Index('UQ_consumer_keys_key_hash', { unique: true })
  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash: string;

  /** The key's first characters (`sk-reg-AbCdE`): enough to recognise it, useless to call with. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix: string;

  /** `provider/model` entries this key may call; null: every model. */
  @Column({ type: 'text', array: true, nullable: true })
  models: string[] | null;

  /** Null: never expires. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true, transformer: expiryTransformer })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** Requests per UTC minute; null: no limit. */
  @Column({ type: 'integer', nullable: true })
  rpm: number | null;

  /** Tokens (input and output) per UTC minute; null: no limit. */
  @Column({ type: 'integer', nullable: true })
  tpm: number | null;

  /** Calls in flight at once, across every instance; null: no limit. */
  @Column({ name: 'max_parallel', type: 'integer', nullable: true })
  maxParallel: number | null;

  /** Spend limit in USD per `budget_window`, at the catalog's prices; null: none. */
  @Column({ name: 'budget_usd', type: 'numeric', precision: 14, scale: 4, nullable: true })
  budgetUsd: string | null;

  /** The budget's UTC window; set exactly when `budget_usd` is. */
  @Column({ name: 'budget_window', type: 'varchar', length: 8, nullable: true })
  budgetWindow: 'day' | 'month' | null;

  /** Share of the budget at which a warning is logged, once per window; null: no warning. */
  @Column({ name: 'budget_warn_ratio', type: 'real', nullable: true })
  budgetWarnRatio: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
