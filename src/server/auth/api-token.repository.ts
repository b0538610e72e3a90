import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { rowsOf } from '../../common/raw-rows';
import { withActor } from '../../common/with-actor';
import { ApiToken, ApiTokenRole } from './api-token.entity';

/** All SQL of `api_tokens`. */
@Injectable()
export class ApiTokenRepository {
  private readonly repo: Repository<ApiToken>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(ApiToken);
  }

  /** A token that may be used now: not revoked, not expired (on the database clock). */
  async findUsableByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.repo
      .createQueryBuilder('t')
      .where('t.tokenHash = :tokenHash AND t.revokedAt IS NULL', { tokenHash })
      .andWhere('(t.expiresAt IS NULL OR t.expiresAt > now())')
      .getOne();
  }

  async insert(name: string, tokenHash: string, role: ApiTokenRole, expiresAt: Date | null): Promise<ApiToken> {
    return withActor(this.dataSource, (runner) =>
      runner.getRepository(ApiToken).save(this.repo.create({ name, tokenHash, role, expiresAt })),
    );
  }

  /** The bootstrap token: whatever value it had before, it is now this one, active and admin. */
  async upsertBootstrap(name: string, tokenHash: string): Promise<void> {
    await withActor(this.dataSource, (runner) =>
      runner.query(
        `INSERT INTO api_tokens (name, token_hash, role) VALUES ($1, $2, 'admin')
       ON CONFLICT (name) DO UPDATE SET token_hash = EXCLUDED.token_hash, role = 'admin', revoked_at = NULL, expires_at = NULL`,
        [name, tokenHash],
      ),
    );
  }

  countUsableAdmins(): Promise<number> {
    return this.repo
      .createQueryBuilder('t')
      .where(`t.role = 'admin' AND t.revokedAt IS NULL`)
      .andWhere('(t.expiresAt IS NULL OR t.expiresAt > now())')
      .getCount();
  }

  /** Every token, revoked and expired ones included (their hashes are not selected). */
  list(): Promise<ApiToken[]> {
    return this.repo.find({
      select: { id: true, name: true, role: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
      order: { id: 'ASC' },
    });
  }

  /** Revokes the unrevoked token so named, or with that id; false when there is none. */
  async revoke(by: { name: string } | { id: string }): Promise<boolean> {
    const result = await withActor(this.dataSource, (runner) =>
      runner.getRepository(ApiToken).update({ ...by, revokedAt: IsNull() }, { revokedAt: () => 'now()' }),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Last use, written at most once a minute per token so reads do not each cost a write. */
  async touch(id: string): Promise<void> {
    await rowsOf(
      this.dataSource,
      `UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }
}
