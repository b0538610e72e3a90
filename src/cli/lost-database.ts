import type { DomainError } from '../common/domain-error';
import { DatabaseUnavailableError, describeDatabaseUrl, isDatabaseUnreachable } from '../database/database-errors';
import type { DatabaseTarget } from '../database/database-target';

/**
 * A database that could not be reached while a command ran, said as what it was. Through a running
 * server's socket it is that server that went away (stopped or restarted): its socket's
 * `connect ECONNREFUSED 127.0.0.1:<port>` names neither it nor anything a user knows, and is no
 * provider's refusal. Null when `error` is not about reaching the database.
 */
export function lostDatabaseError(
  error: unknown,
  database: Pick<DatabaseTarget, 'kind' | 'url' | 'viaOwner' | 'ownerPid'>,
): DomainError | null {
  if (!isDatabaseUnreachable(error)) return null;
  const unfinished = 'so the command may not have finished: run it again';
  if (database.viaOwner) {
    const server = database.ownerPid === undefined ? "the registry's server" : `the registry's server (process ${database.ownerPid})`;
    return new DatabaseUnavailableError(
      `${server} went away while the command ran (it stopped or restarted; the command used its database), ${unfinished}`,
    );
  }
  const where = database.kind === 'postgres' ? `DATABASE_URL (${describeDatabaseUrl(database.url)})` : 'the embedded database';
  return new DatabaseUnavailableError(`lost the connection to ${where} while the command ran (${(error as Error).message}), ${unfinished}`);
}
