import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditEvent } from './audit-event.entity';

export interface AuditFilter {
  provider?: string;
  actor?: string;
  action?: string;
  since?: Date;
  /** Only events older than this id (keyset pagination, newest first). */
  beforeId?: string;
}

/** Reads of `audit_events`; its rows are written by the database's triggers only. */
@Injectable()
export class AuditRepository {
  private readonly repo: Repository<AuditEvent>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.repo = dataSource.getRepository(AuditEvent);
  }

  /** Newest first: ids grow with every event. */
  findPage(filter: AuditFilter, limit: number): Promise<AuditEvent[]> {
    const query = this.repo.createQueryBuilder('e').orderBy('e.id', 'DESC').limit(limit);
    if (filter.provider !== undefined) query.andWhere('e.provider = :provider', { provider: filter.provider });
    if (filter.actor !== undefined) query.andWhere('e.actor = :actor', { actor: filter.actor });
    if (filter.action !== undefined) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.since !== undefined) query.andWhere('e.occurredAt >= :since', { since: filter.since });
    if (filter.beforeId !== undefined) query.andWhere('e.id < :beforeId', { beforeId: filter.beforeId });
    return query.getMany();
  }
}
