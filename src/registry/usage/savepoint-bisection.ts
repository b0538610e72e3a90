import type { EntityManager } from 'typeorm';
import { isPermanentDataError, sqlStateOf } from './permanent-data-error';

/** One set-based statement over `items`, run inside the caller's transaction. */
export type SetWrite<T> = (manager: EntityManager, items: T[]) => Promise<unknown>;

/**
 * Writes `items` inside a savepoint; when the database refuses them for good, halves the set until
 * the refused items stand alone, so one bad entry costs O(log n) statements and blocks nothing else.
 * Each refused item is handed to `refused` with its SQLSTATE and message; any other error (a lost
 * connection, a deadlock) is thrown, because a retry of the whole may well succeed.
 */
export async function writeBisecting<T>(
  manager: EntityManager,
  write: SetWrite<T>,
  items: T[],
  refused: (item: T, reason: string) => void,
): Promise<void> {
  if (items.length === 0) return;
  await manager.query('SAVEPOINT usage_part');
  try {
    await write(manager, items);
    await manager.query('RELEASE SAVEPOINT usage_part');
    return;
  } catch (error) {
    if (!isPermanentDataError(error)) throw error;
    await manager.query('ROLLBACK TO SAVEPOINT usage_part');
    await manager.query('RELEASE SAVEPOINT usage_part');
    if (items.length === 1) {
      refused(items[0], `${sqlStateOf(error)} ${(error as Error).message}`);
      return;
    }
  }
  const half = Math.ceil(items.length / 2);
  await writeBisecting(manager, write, items.slice(0, half), refused);
  await writeBisecting(manager, write, items.slice(half), refused);
}
