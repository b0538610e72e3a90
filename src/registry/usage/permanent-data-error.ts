import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';

/*
 * Which database errors will fail the same way on every retry. The flush leaves such entries out so
 * the rest is written, and an API batch answers them as the caller's error, not a retryable one.
 */

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the same values fail the same way every time. */
export function isPermanentDataError(error: unknown): boolean {
  return /^2[23]/.test(sqlStateOf(error) ?? '');
}

/** The SQLSTATE of an error PostgreSQL reported; undefined for everything else (a lost connection has none). */
export function sqlStateOf(error: unknown): string | undefined {
  const driverError: unknown = error instanceof QueryFailedError ? error.driverError : error;
  return driverError instanceof DatabaseError ? driverError.code : undefined;
}
