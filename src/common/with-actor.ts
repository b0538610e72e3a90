import type { DataSource, EntityManager } from 'typeorm';
import { currentActor } from './actor-context';

export type Runner = DataSource | EntityManager;

/** Why a write happens, when the audit trail could not tell it from the change alone. */
export type AuditChange = 'key-rotation';

/**
 * Tells the audit triggers (migration CreateAuditEvents) who writes in this transaction, and why
 * when `change` says so. `set_config(…, true)` is transaction-local: it cannot outlive the
 * transaction on a pooled connection, nor cross to another client behind PgBouncer's transaction
 * pooling. Nothing to say: no statement at all.
 */
export async function setAuditContext(manager: EntityManager, change?: AuditChange): Promise<void> {
  const settings: string[] = [];
  const actor = currentActor();
  if (actor !== undefined) settings.push('ai_registry.actor', actor);
  if (change !== undefined) settings.push('ai_registry.change', change);
  if (settings.length === 0) return;
  const calls = Array.from({ length: settings.length / 2 }, (_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`);
  await manager.query(`SELECT ${calls.join(', ')}`, settings);
}

/**
 * Runs one write so that its audit event names the actor: with an actor (an API request), `fn`
 * runs inside a transaction that first sets it, so the event and the change commit or roll back
 * together; without one (jobs, host apps, benchmarks) `fn` runs on the data source as before, with
 * no extra round trip, and the triggers record the actor as 'database'.
 */
export function withActor<T>(dataSource: DataSource, fn: (runner: Runner) => Promise<T>): Promise<T> {
  if (currentActor() === undefined) return fn(dataSource);
  return dataSource.transaction(async (manager) => {
    await setAuditContext(manager);
    return fn(manager);
  });
}
