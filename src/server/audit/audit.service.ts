import { Injectable } from '@nestjs/common';
import { isBigintId } from '../../common/bigint-id';
import { InvalidInputError } from '../../registry';
import type { AuditEvent } from './audit-event.entity';
import { AuditRepository } from './audit.repository';

export interface AuditQuery {
  provider?: string;
  actor?: string;
  action?: string;
  since?: Date;
  limit: number;
  cursor?: string;
}

export interface AuditPage {
  events: AuditEvent[];
  /** Give it back as `cursor` for the next (older) page; null on the last one. */
  nextCursor: string | null;
}

function cursorOf(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function idOfCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isBigintId(id)) throw new InvalidInputError('cursor', 'is not a cursor this API gave out');
  return id;
}

/** The audit trail, newest first, a page at a time (keyset on the event id: stable while events keep coming). */
@Injectable()
export class AuditService {
  constructor(private readonly events: AuditRepository) {}

  async list(query: AuditQuery): Promise<AuditPage> {
    const { cursor, limit, ...filter } = query;
    const beforeId = cursor === undefined ? undefined : idOfCursor(cursor);
    const rows = await this.events.findPage({ ...filter, beforeId }, limit + 1);
    const events = rows.slice(0, limit);
    return { events, nextCursor: rows.length > limit ? cursorOf(events[events.length - 1].id) : null };
  }
}
