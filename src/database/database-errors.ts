import * as fs from 'node:fs';
import * as path from 'node:path';
import { DomainError } from '../common/domain-error';

export class DatabaseUnavailableError extends DomainError {
  readonly code = 'DATABASE_UNAVAILABLE';
  readonly kind = 'unavailable';
}

export class DataDirUnusableError extends DomainError {
  readonly code = 'DATA_DIR_UNUSABLE';
  readonly kind = 'misconfigured';
}

type ErrorLike = Error & { code?: string; hostname?: string; path?: string; syscall?: string };

/** Where a URL points, for messages: host, port, database and user, never the password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)';
    const user = parsed.username ? `, user "${decodeURIComponent(parsed.username)}"` : '';
    return `PostgreSQL at ${parsed.hostname || 'localhost'}:${parsed.port || 5432}, database "${database}"${user}`;
  } catch {
    return 'PostgreSQL (unparsable URL)';
  }
}

/**
 * Why a connection could not be opened, for the errors pg and Node give while connecting (network
 * codes, SQLSTATE classes 08 and 28, 3D000, 53300, 57P03). Anything else is not a connection problem.
 */
function connectCause(error: ErrorLike): string | null {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is PostgreSQL running and listening on that port?)';
    case 'ENOTFOUND':
      return `unknown host "${error.hostname ?? '?'}"`;
    case 'EAI_AGAIN':
      return `the host name "${error.hostname ?? '?'}" could not be resolved right now (DNS lookup failed)`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the host cannot be reached (${error.code})`;
    case 'ECONNRESET':
      return 'the server closed the connection while it was being opened';
    case '3D000': // invalid_catalog_name
    case '53300': // too_many_connections
    case '57P03': // cannot_connect_now
      return error.message;
    default:
      break;
  }
  if (error.code && /^(08|28)/.test(error.code)) return error.message; // connection exception, authorization
  if (/SSL|timeout expired|connection timeout/i.test(error.message ?? '')) return error.message;
  return null;
}

/**
 * What pg says when a session it had is gone (terminated by pg_terminate_backend or a restart, the
 * network dropped) or none could be had in time; the request may well succeed on a new one.
 */
const LOST_CONNECTION =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|terminating connection due to administrator command|server closed the connection unexpectedly/i;

/**
 * Whether an error (or the driver error TypeORM wrapped) means the database could not be reached
 * rather than that the request was wrong: lost sessions (57P01 admin_shutdown, 57P02 crash_shutdown,
 * a reset socket) and every failure to connect.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof DomainError) return false;
  const driverError = (error as { driverError?: unknown }).driverError;
  if (driverError instanceof Error && driverError !== error && isDatabaseUnreachable(driverError)) return true;
  const code = (error as ErrorLike).code;
  if (code === '57P01' || code === '57P02' || code === 'EPIPE') return true;
  return connectCause(error as ErrorLike) !== null || LOST_CONNECTION.test(error.message ?? '');
}

/** The password of a URL in the forms it could appear in a message. */
function passwordsOf(url: string): string[] {
  try {
    const raw = new URL(url).password;
    return raw ? [raw, decodeURIComponent(raw)].filter((p) => p.length > 0) : [];
  } catch {
    return [];
  }
}

/**
 * A connection failure turned into one line an operator can act on: which database (never the
 * password) and why. Null when `error` is not about connecting.
 */
export function explainConnectError(error: unknown, url: string, variable = 'DATABASE_URL'): DatabaseUnavailableError | null {
  if (!(error instanceof Error) || error instanceof DomainError) return null;
  const cause = connectCause(error as ErrorLike);
  if (cause === null) return null;
  const scrubbed = passwordsOf(url).reduce((text, secret) => text.split(secret).join('***'), cause);
  return new DatabaseUnavailableError(`Cannot connect to ${variable} (${describeDatabaseUrl(url)}): ${scrubbed}`);
}

/** The nearest existing ancestor (or the path itself) that is not a folder, if any. */
function fileInTheWay(dir: string): string | null {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    try {
      return fs.statSync(current).isDirectory() ? null : current;
    } catch {
      // Missing: look one level up.
    }
    if (path.dirname(current) === current) return null;
  }
}

/** DATA_DIR problems (a file where the folder should be, no permission) as one line. Null otherwise. */
export function explainDataDirError(error: unknown, dataDir: string): DataDirUnusableError | null {
  if (error instanceof DomainError) return null;
  const code = (error as ErrorLike | null)?.code;
  const resolved = path.resolve(dataDir);
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    const file = fileInTheWay(resolved);
    if (file) {
      const where = file === resolved ? 'it is a file' : `${file} is a file`;
      return new DataDirUnusableError(`DATA_DIR must be a folder for the embedded database, but ${where} (DATA_DIR=${resolved})`);
    }
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    const at = (error as ErrorLike).path ?? resolved;
    return new DataDirUnusableError(
      `DATA_DIR cannot be used by the embedded database: ${code === 'EROFS' ? 'read-only file system' : 'permission denied'} on ${at} (DATA_DIR=${resolved})`,
    );
  }
  return null;
}
