import type { ClientConfig } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { DomainError } from '../common/domain-error';

export class UnsupportedDataSourceError extends DomainError {
  readonly code = 'UNSUPPORTED_DATA_SOURCE';
  readonly kind = 'misconfigured';
}

/**
 * Client settings for the sessions the registry opens beside a host's pool (LISTEN, advisory
 * locks), from the TypeORM options the host already gave: its `url` or host/port/username/password/
 * database, with its TLS settings and `extra` driver options, so a TLS-only server or a Unix socket
 * host is reached the same way as by the pool.
 */
export function connectionConfigOf(options: DataSourceOptions): ClientConfig {
  if (options.type !== 'postgres') {
    throw new UnsupportedDataSourceError(`The providers registry needs a PostgreSQL data source, got type "${options.type}"`);
  }
  const extra = (options.extra ?? {}) as ClientConfig;
  return {
    ...extra,
    ...(options.url
      ? { connectionString: options.url }
      : {
          host: options.host,
          port: options.port,
          user: options.username,
          password: typeof options.password === 'string' ? options.password : undefined,
          database: options.database,
        }),
    ...(options.ssl !== undefined ? { ssl: options.ssl as ClientConfig['ssl'] } : {}),
  };
}
