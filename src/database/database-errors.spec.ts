import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../common/domain-error';
import {
  DataDirUnusableError,
  DatabaseUnavailableError,
  describeDatabaseUrl,
  explainConnectError,
  explainDataDirError,
  isDatabaseUnreachable,
} from './database-errors';

/** An error shaped like the ones pg and Node raise while connecting. */
function failure(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

const URL_WITH_SECRET = 'postgresql://app:S3cr%40tPw@db.internal:6543/registry';

describe(explainConnectError.name, () => {
  it('names host, port, database and user with the cause, never the password', () => {
    const cases: Array<[Error, RegExp]> = [
      [
        failure('password authentication failed for user "app"', { code: '28P01', severity: 'FATAL' }),
        /password authentication failed for user "app"$/,
      ],
      [failure('role "app" does not exist', { code: '28000' }), /role "app" does not exist$/],
      [failure('database "registry" does not exist', { code: '3D000' }), /database "registry" does not exist$/],
      [failure('connect ECONNREFUSED 10.0.0.5:6543', { code: 'ECONNREFUSED' }), /connection refused/],
      [failure('getaddrinfo ENOTFOUND db.internal', { code: 'ENOTFOUND', hostname: 'db.internal' }), /unknown host "db\.internal"$/],
      [failure('getaddrinfo EAI_AGAIN db.internal', { code: 'EAI_AGAIN', hostname: 'db.internal' }), /could not be resolved/],
      [failure('connect ETIMEDOUT', { code: 'ETIMEDOUT' }), /cannot be reached \(ETIMEDOUT\)/],
      [failure('sorry, too many clients already', { code: '53300' }), /too many clients/],
      [failure('the database system is starting up', { code: '57P03' }), /starting up/],
      [failure('The server does not support SSL connections', {}), /does not support SSL/],
    ];
    for (const [error, cause] of cases) {
      const explained = explainConnectError(error, URL_WITH_SECRET);
      expect(explained).toBeInstanceOf(DatabaseUnavailableError);
      expect(explained).toBeInstanceOf(DomainError);
      expect(explained!.message).toMatch(
        /^Cannot connect to DATABASE_URL \(PostgreSQL at db\.internal:6543, database "registry", user "app"\): /,
      );
      expect(explained!.message).toMatch(cause);
      expect(explained!.message).not.toMatch(/S3cr/);
      expect(explained!.message.split('\n')).toHaveLength(1);
    }
  });

  it('scrubs the password should a cause ever repeat it', () => {
    const explained = explainConnectError(failure('no pg_hba.conf entry for "S3cr@tPw"', { code: '28000' }), URL_WITH_SECRET);
    expect(explained!.message).not.toContain('S3cr@tPw');
    expect(explained!.message).toContain('***');
  });

  it('leaves errors that are not about connecting alone', () => {
    expect(explainConnectError(failure('relation "x" does not exist', { code: '42P01' }), URL_WITH_SECRET)).toBeNull();
    expect(explainConnectError(new Error('boom'), URL_WITH_SECRET)).toBeNull();
    expect(explainConnectError('not an error', URL_WITH_SECRET)).toBeNull();
  });

  it('describes URLs without a port, database or user', () => {
    expect(describeDatabaseUrl('postgres://db')).toBe('PostgreSQL at db:5432, database "(default)"');
    expect(describeDatabaseUrl('not a url')).toBe('PostgreSQL (unparsable URL)');
  });
});

describe(explainDataDirError.name, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-dir-errors-'));
    fs.writeFileSync(path.join(dir, 'a-file'), '');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says when DATA_DIR, or a folder above it, is a file', () => {
    const file = path.join(dir, 'a-file');
    expect(explainDataDirError(failure('EEXIST: file already exists', { code: 'EEXIST' }), file)).toEqual(
      new DataDirUnusableError(`DATA_DIR must be a folder for the embedded database, but it is a file (DATA_DIR=${file})`),
    );
    expect(explainDataDirError(failure('ENOTDIR: not a directory', { code: 'ENOTDIR' }), path.join(file, 'sub'))?.message).toBe(
      `DATA_DIR must be a folder for the embedded database, but ${file} is a file (DATA_DIR=${path.join(file, 'sub')})`,
    );
  });

  it('names a permission problem and ignores everything else', () => {
    expect(explainDataDirError(failure('EACCES', { code: 'EACCES', path: '/srv/data' }), '/srv/data')?.message).toMatch(
      /permission denied on \/srv\/data/,
    );
    expect(explainDataDirError(failure('EEXIST', { code: 'EEXIST' }), dir)).toBeNull(); // a real folder: not this problem
    expect(explainDataDirError(new Error('other'), dir)).toBeNull();
  });
});

describe(isDatabaseUnreachable.name, () => {
  it('knows lost and refused sessions, also inside a TypeORM QueryFailedError, and nothing else', () => {
    const terminated = failure('terminating connection due to administrator command', { code: '57P01', severity: 'FATAL' });
    for (const error of [
      terminated,
      new QueryFailedError('SELECT 1', [], terminated),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('timeout exceeded when trying to connect'),
      failure('read ECONNRESET', { code: 'ECONNRESET' }),
      failure('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
    ]) {
      expect([error.message, isDatabaseUnreachable(error)]).toEqual([error.message, true]);
    }
    for (const error of [
      failure('relation "api_tokens" does not exist', { code: '42P01' }),
      new QueryFailedError('SELECT', [], failure('value "9999999999999999999" is out of range for type bigint', { code: '22003' })),
      new DatabaseUnavailableError('Cannot connect to DATABASE_URL'),
      'Connection terminated',
    ]) {
      expect(isDatabaseUnreachable(error)).toBe(false);
    }
  });
});
