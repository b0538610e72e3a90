import { Logger } from '@nestjs/common';
import type { LoggerOptions, Logger as TypeOrmLoggerContract } from 'typeorm';
import { TypeOrmLogger } from './typeorm-logger';

describe(TypeOrmLogger.name, () => {
  let categories: LoggerOptions | undefined;
  // Called as TypeORM calls it: with the parameters, which must go nowhere.
  const logger: TypeOrmLoggerContract = new TypeOrmLogger(() => categories);
  const calls: string[] = [];
  const spies: jest.SpyInstance[] = [];

  beforeEach(() => {
    calls.length = 0;
    categories = ['warn'];
    for (const level of ['error', 'warn', 'log', 'debug'] as const) {
      spies.push(
        jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void calls.push(`${level}: ${String(args[0])}`)),
      );
    }
    spies.push(jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => calls.push(`stdout: ${String(chunk)}`) > 0));
  });

  afterEach(() => spies.splice(0).forEach((spy) => spy.mockRestore()));

  it('logs a failed query as an error with the SQL on one line and no parameter values, whatever the categories', () => {
    categories = false;
    logger.logQueryError(new Error('invalid input syntax for type uuid: "abcd-secret"'), 'SELECT $1::uuid\n  FROM x', [
      'abcd-secret',
      'abc',
      42,
    ]);
    logger.logQueryError('duplicate key {"k":"json-secret"}', 'INSERT …', { a: { k: 'json-secret' } });
    expect(calls).toEqual([
      'error: Query failed: invalid input syntax for type uuid: "[redacted]" — SELECT $1::uuid FROM x',
      'error: Query failed: duplicate key [redacted] — INSERT …',
    ]);
  });

  it('logs queries at debug, schema and migration output as plain lines, only in the enabled categories', () => {
    logger.logQuery('SELECT 1', ['secret-param']);
    logger.logSchemaBuild('[X] 1 Init');
    logger.logMigration('Migration Init has been executed successfully.');
    logger.log('warn', 'a TypeORM warning');
    logger.log('info', 'an info');
    categories = ['query', 'schema', 'migration', 'info'];
    logger.logQuery('SELECT 1', ['secret-param']);
    logger.logSchemaBuild('[X] 1 Init');
    logger.logMigration('Migration Init has been executed successfully.');
    logger.log('info', 'an info');
    logger.logQuerySlow(1200, 'SELECT pg_sleep(2)', ['secret-param']);
    expect(calls).toEqual([
      'warn: a TypeORM warning',
      'debug: SELECT 1',
      'stdout: [X] 1 Init\n',
      'stdout: Migration Init has been executed successfully.\n',
      'log: an info',
      'warn: Slow query (1200 ms): SELECT pg_sleep(2)',
    ]);
  });
});
