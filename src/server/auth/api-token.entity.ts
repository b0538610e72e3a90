import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ApiTokenRole = 'admin' | 'viewer';

/** An API token for the REST edge. Only its SHA-256 is stored: the token itself is shown once, at creation. */
@Entity('api_tokens')
@Check('CHK_api_tokens_role', `"role" IN ('admin', 'viewer')`)
export class ApiToken {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'PK_api_tokens' })
  id: string;

  @Index('UQ_api_tokens_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Index('UQ_api_tokens_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: ApiTokenRole;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
