import type { DatabaseTarget } from '../database-target';
import type { Coordination } from '../../registry/kernel/coordination';
import { EmbeddedCoordination } from './embedded-coordination';
import { PostgresCoordination } from './postgres-coordination';

/**
 * The one place that picks the multi-session features for the database in use. On PostgreSQL they
 * use the direct URL: behind a transaction-mode pooler a LISTEN or a lock would not stay on its session.
 */
export function createCoordination(target: DatabaseTarget): Coordination {
  return target.kind === 'postgres'
    ? new PostgresCoordination(target.directUrl ?? target.url)
    : new EmbeddedCoordination(target.embeddedNotifications);
}
