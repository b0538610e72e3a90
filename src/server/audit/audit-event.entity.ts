import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Before/after of the fields a change touched (camelCase, like the API); never a secret. */
export type AuditFields = Record<string, unknown>;

/**
 * One change to the registry: written by the database's audit triggers (migration
 * CreateAuditEvents1764000009000) in the transaction of the change itself, never by the application.
 */
@Entity('audit_events')
@Index('IDX_audit_events_occurred_at', ['occurredAt'])
@Index('IDX_audit_events_provider_id', ['provider', 'id'])
export class AuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'PK_audit_events' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  /** The API token's name, or 'database' for a write that named no actor (psql, a legacy app, a job). */
  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text', nullable: true })
  provider: string | null;

  /** What within the provider (a credential's id) or outside any (a token's name, a table). */
  @Column({ type: 'text', nullable: true })
  target: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before: AuditFields | null;

  @Column({ type: 'jsonb', nullable: true })
  after: AuditFields | null;
}
