import type { DataSourceOptions } from 'typeorm';
import { DomainError } from '../common/domain-error';

export class UnsupportedDataSourceError extends DomainError {
  readonly code = 'UNSUPPORTED_DATA_SOURCE';
  readonly kind = 'misconfigured';
}

/**
 * A connection URL for the sessions the registry opens beside a host's pool (LISTEN, advisory locks),
 * from the TypeORM options the host already gave: its `url`, or host/port/username/password/database.
 */
export function connectionUrlOf(options: DataSourceOptions): string {
  if (options.type !== 'postgres') {
    throw new UnsupportedDataSourceError(`The providers registry needs a PostgreSQL data source, got type "${options.type}"`);
  }
  if (options.url) return options.url;
  const url = new URL('postgresql://localhost');
  url.hostname = options.host ?? 'localhost';
  if (options.port) url.port = String(options.port);
  if (options.username) url.username = encodeURIComponent(options.username);
  if (typeof options.password === 'string') url.password = encodeURIComponent(options.password);
  url.pathname = `/${encodeURIComponent(options.database ?? '')}`;
  return url.toString();
}
