import type { ClientBase } from 'pg';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { TypeOrmLogger } from '../common/logging/typeorm-logger';
import { ApiToken } from '../server/auth/api-token.entity';
import { AuditEvent } from '../server/audit/audit-event.entity';
import { PROVIDER_ENTITIES } from '../registry/entities';
import { MIGRATIONS } from './migrations';

export interface DataSourceTuning {
  /** The embedded database is one backend session: more connections would only queue behind each other. */
  embedded?: boolean;
  /** Connections in this process's pool on a real PostgreSQL (always 1 on the embedded database). */
  poolSize?: number;
  applicationName?: string;
}

/**
 * A pooled client always has an error listener. A session terminated as it starts (pg_terminate_backend,
 * a restart) can send its FATAL in the same packet as the end of start-up, which pg emits as an
 * 'error' after the pool has handed the client out and before TypeORM listens: an unhandled 'error'
 * event ends the process. The client is unusable either way: its query fails and the pool drops it.
 */
function keepErrorsHandled(client: ClientBase): void {
  client.on('error', () => undefined);
}

/**
 * The one description of our data source, used by the app, ormconfig.ts (TypeORM CLI) and the tests,
 * so they can never drift apart. Schema changes only ever come from migrations.
 */
export function buildDataSourceOptions(url: string, tuning: DataSourceTuning = {}): PostgresDataSourceOptions {
  const options: PostgresDataSourceOptions = {
    type: 'postgres',
    url,
    entities: [...PROVIDER_ENTITIES, ApiToken, AuditEvent],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // PGlite has no uuid-ossp; gen_random_uuid() is built into PostgreSQL 13+.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // Through our logger, without parameters; failed queries are always logged, the other categories
    // only when enabled here or by the TypeORM CLI (it sets them on this very object).
    logging: ['warn'],
    logger: new TypeOrmLogger(() => options.logging),
    poolSize: tuning.embedded ? 1 : (tuning.poolSize ?? 10),
    applicationName: tuning.applicationName ?? 'ai-provider-registry',
    extra: { onConnect: keepErrorsHandled },
  };
  return options;
}
