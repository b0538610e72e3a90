import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ProviderConfig } from './provider-config.entity';
import type { HealthStatus } from '../kernel/health-status';

export type HealthCheckSource = 'probe' | 'traffic';

/** Append-only history of health decisions (probe results, and circuit changes from real traffic); pruned by age by the health job. */
@Entity('provider_health_checks')
@Index('IDX_provider_health_checks_config_checked_at', ['providerConfigId', 'checkedAt'])
@Index('IDX_provider_health_checks_checked_at', ['checkedAt'])
export class ProviderHealthCheck {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'PK_provider_health_checks',
  })
  id: string;

  @Column({ name: 'provider_config_id', type: 'bigint' })
  providerConfigId: string;

  @ManyToOne('ProviderConfig', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_config_id', foreignKeyConstraintName: 'FK_provider_health_checks_provider_config' })
  providerConfig?: ProviderConfig;

  @Column({ type: 'varchar', length: 16 })
  status: HealthStatus;

  @Column({ name: 'latency_ms', type: 'integer', nullable: true })
  latencyMs: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'listed_models', type: 'integer', nullable: true })
  listedModels: number | null;

  @Column({ name: 'missing_models', type: 'jsonb', default: [] })
  missingModels: string[];

  @Column({ name: 'checked_at', type: 'timestamptz', default: () => 'now()' })
  checkedAt: Date;

  /** What decided it: an active probe, or the outcomes of real calls (the circuit tripping or closing). */
  @Column({ type: 'varchar', length: 8, default: 'probe' })
  source: HealthCheckSource;
}
