import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLoggerContract, LoggerOptions } from 'typeorm';
import { REDACTED } from './redaction';

/**
 * TypeORM's log, through ours (LOG_LEVEL and the one format), and never with the query's parameters:
 * they hold ciphertext, keys being stored, personal data. A failed query is logged with the driver's
 * message (any parameter value it quotes is cut out) and the SQL text, whose values are placeholders.
 *
 * `categories` is read at each call because the TypeORM CLI switches categories on by mutating the
 * data source's options (setOptions({ logging: ['schema'] }) for migration:show); failed queries are
 * always logged, at error level, whatever the categories say.
 */
export class TypeOrmLogger implements TypeOrmLoggerContract {
  private readonly logger = new Logger('TypeORM');

  constructor(private readonly categories: () => LoggerOptions | undefined) {}

  logQueryError(error: string | Error, query: string, parameters?: unknown[] | Record<string, unknown>): void {
    const message = withoutParameters(error instanceof Error ? error.message : String(error), parameters);
    this.logger.error(`Query failed: ${message} — ${oneLine(query)}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${oneLine(query)}`);
  }

  logQuery(query: string): void {
    if (this.enabled('query')) this.logger.debug(oneLine(query));
  }

  /** Migration listings and results are what the migration commands print: their output, not log lines. */
  logSchemaBuild(message: string): void {
    if (this.enabled('schema')) process.stdout.write(`${message}\n`);
  }

  logMigration(message: string): void {
    if (this.enabled('migration')) process.stdout.write(`${message}\n`);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (!this.enabled(level)) return;
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (level === 'warn') this.logger.warn(text);
    else this.logger.log(text);
  }

  private enabled(category: 'query' | 'schema' | 'migration' | 'log' | 'info' | 'warn'): boolean {
    const options = this.categories();
    return options === true || options === 'all' || (Array.isArray(options) && options.includes(category));
  }
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/** Parameter values a driver message may quote (`invalid input syntax for type uuid: "…"`). */
function withoutParameters(message: string, parameters: unknown[] | Record<string, unknown> | undefined): string {
  const values = (Array.isArray(parameters) ? parameters : Object.values(parameters ?? {}))
    .map((value) =>
      typeof value === 'string'
        ? value
        : Buffer.isBuffer(value)
          ? value.toString('utf8')
          : value !== null && typeof value === 'object'
            ? JSON.stringify(value)
            : '',
    )
    .filter((value) => value.length >= 4)
    .sort((a, b) => b.length - a.length);
  return values.reduce((text, value) => text.split(value).join(REDACTED), message);
}
