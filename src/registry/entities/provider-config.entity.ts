import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { expiryTransformer } from './expiry-transformer';
import type { ProviderCapabilities } from '../catalog/provider-capabilities';
import type { CircuitState } from '../kernel/circuit';
import type { HealthStatus } from '../kernel/health-status';

/*
 * provider_configs and ai_credentials, the two sides of one relation (ProviderConfig 1—N AICredential):
 * in one file, because apart each would import the other.
 */

export type BudgetWindow = 'day' | 'month';

export type UiPreferences = Record<string, unknown>;

/**
 * One row per provider. Three writers own disjoint columns and never overwrite each other:
 * people own identity/enabled/ui_preferences and the overrides (the catalog sync owns priority/capabilities),
 * the usage flusher owns usage_count/last_used_at, the health checker owns the health columns.
 */
@Entity('provider_configs')
@Check('CHK_provider_configs_health_status', `"health_status" IN ('unknown', 'healthy', 'degraded', 'unhealthy')`)
@Check('CHK_provider_configs_circuit_state', `"circuit_state" IN ('closed', 'open')`)
@Check('CHK_provider_configs_budget_window', `"budget_window" IN ('day', 'month')`)
@Index('IDX_provider_configs_enabled_priority', ['priority', 'provider'], { where: '"enabled"' })
@Index('IDX_provider_configs_health_status', ['healthStatus'])
export class ProviderConfig {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'PK_provider_configs',
  })
  id: string;

  @Index('UQ_provider_configs_provider', { unique: true })
  @Column({ type: 'varchar', length: 63 })
  provider: string;

  /** What the catalog says; written by the catalog sync only. */
  @Column({ name: 'display_name', type: 'varchar', length: 255 })
  displayName: string;

  /** An operator's name for it, which the sync never touches; when set it wins over `displayName`. */
  @Column({ name: 'display_name_override', type: 'varchar', length: 255, nullable: true })
  displayNameOverride: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'ui_preferences', type: 'jsonb', default: {} })
  uiPreferences: UiPreferences;

  /** What the catalog says; written by the catalog sync only. */
  @Column({ type: 'jsonb', default: {} })
  capabilities: ProviderCapabilities | Record<string, never>;

  /** An operator's capabilities (updateCapabilities), which the sync never touches; when set it wins. */
  @Column({ name: 'capabilities_override', type: 'jsonb', nullable: true })
  capabilitiesOverride: ProviderCapabilities | null;

  /** What the catalog says; written by the catalog sync only. */
  @Column({ type: 'integer', default: 100 })
  priority: number;

  /** An operator's choice, which the sync never touches; when set it wins over `priority`. */
  @Column({ name: 'priority_override', type: 'integer', nullable: true })
  priorityOverride: number | null;

  @Column({ name: 'usage_count', type: 'bigint', default: 0 })
  usageCount: string;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'health_status', type: 'varchar', length: 16, default: 'unknown' })
  healthStatus: HealthStatus;

  @Column({ name: 'last_health_check', type: 'timestamptz', nullable: true })
  lastHealthCheck: Date | null;

  @Column({ name: 'health_latency_ms', type: 'integer', nullable: true })
  healthLatencyMs: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures: number;

  /**
   * Passive health (the circuit), written by the usage flush from the outcomes of real calls, never by
   * the operator: `open` takes the provider out of selection until `circuit_until`, then half-open.
   */
  @Column({ name: 'circuit_state', type: 'varchar', length: 8, default: 'closed' })
  circuitState: CircuitState;

  /** End of the cooldown of an open circuit; after it the provider is half-open (a few trial calls). */
  @Column({ name: 'circuit_until', type: 'timestamptz', nullable: true })
  circuitUntil: Date | null;

  /** Trips in a row without a success in between: each doubles the cooldown. */
  @Column({ name: 'circuit_trips', type: 'integer', default: 0 })
  circuitTrips: number;

  @Column({ name: 'circuit_reason', type: 'text', nullable: true })
  circuitReason: string | null;

  /** When the circuit last changed: outcomes before it no longer count (hysteresis). */
  @Column({ name: 'circuit_changed_at', type: 'timestamptz', nullable: true })
  circuitChangedAt: Date | null;

  /** The operator's spend limit per `budget_window`, in USD; null for none. */
  @Column({ name: 'budget_usd', type: 'numeric', precision: 14, scale: 4, nullable: true })
  budgetUsd: string | null;

  @Column({ name: 'budget_window', type: 'varchar', length: 8, default: 'month' })
  budgetWindow: BudgetWindow;

  /** Share of the budget at which a warning is logged (once per window). */
  @Column({ name: 'budget_warn_ratio', type: 'real', default: 0.8 })
  budgetWarnRatio: number;

  /** Set by the usage flush when the window's spend reached the budget: unavailable until then. */
  @Column({ name: 'budget_exhausted_until', type: 'timestamptz', nullable: true })
  budgetExhaustedUntil: Date | null;

  /** The window whose warning was logged, so it is logged once per window and instance set. */
  @Column({ name: 'budget_warned_window', type: 'timestamptz', nullable: true })
  budgetWarnedWindow: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @OneToMany('AICredential', (credential: AICredential) => credential.providerConfig)
  credentials?: AICredential[];
}

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
