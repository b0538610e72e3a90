import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { expiryTransformer } from '../entities/expiry-transformer';

/**
 * A consumer key: what a service calling the gateway (`/v1/*`) authenticates with. Not an operator's
 * API token: it reads and changes nothing of the registry, it only calls models (`models`, or every
 * one). Only the key's SHA-256 is stored, and its first characters to tell keys apart in a list.
 */
@Entity('consumer_keys')
@Check('CHK_consumer_keys_models', `"models" IS NULL OR cardinality("models") > 0`)
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
