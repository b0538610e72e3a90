import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { expiryTransformer } from '../../database/expiry-transformer';
import type { ProviderConfig } from './provider-config.entity';

export type CredentialMetadata = Record<string, unknown> & { baseUrl?: string };
export type UiMetadata = Record<string, unknown>;

/**
 * The pre-existing `ai_credentials` table (kept column for column) plus the registry's additions.
 * `encrypted_credentials` holds a key-ring envelope; plaintext never reaches this entity.
 */
@Entity('ai_credentials')
@Unique('UQ_ai_credentials_provider_credential_type', ['provider', 'credentialType'])
@Index('IDX_ai_credentials_config_type_active', ['providerConfigId', 'credentialType'], { where: '"is_active"' })
@Index('IDX_ai_credentials_provider_type_expiry_active', ['provider', 'credentialType', 'expiresAt'], {
  where: '"is_active"',
})
export class AICredential {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'PK_ai_credentials',
  })
  id: string;

  @Index('IDX_ai_credentials_provider')
  @Column({ type: 'varchar', length: 255 })
  provider: string;

  @Column({ name: 'credential_type', type: 'varchar', length: 50, default: 'api_key' })
  credentialType: string;

  @Column({ name: 'encrypted_credentials', type: 'text' })
  encryptedCredentials: string;

  @Column({ type: 'jsonb', nullable: true })
  metadata: CredentialMetadata | null;

  /** The secret's masked form (mask-secret.ts), written with it; null for rows stored before the column existed. */
  @Column({ name: 'key_mask', type: 'varchar', length: 64, nullable: true })
  keyMask: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true, transformer: expiryTransformer })
  expiresAt: Date | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'ui_metadata', type: 'jsonb', default: {} })
  uiMetadata: UiMetadata;

  @Column({ name: 'provider_config_id', type: 'bigint', nullable: true })
  providerConfigId: string | null;

  @ManyToOne('ProviderConfig', (config: ProviderConfig) => config.credentials, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'provider_config_id', foreignKeyConstraintName: 'FK_ai_credentials_provider_config' })
  providerConfig?: ProviderConfig;

  @Column({ name: 'usage_count', type: 'bigint', default: 0 })
  usageCount: string;

  @Column({ name: 'input_tokens', type: 'bigint', default: 0 })
  inputTokens: string;

  @Column({ name: 'output_tokens', type: 'bigint', default: 0 })
  outputTokens: string;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
