import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

type Runner = DataSource | EntityManager;

/**
 * The rows of a hand-written statement. TypeORM's postgres driver answers UPDATE/DELETE with
 * `[rows, affectedCount]` and SELECT/INSERT with `rows`; this reads both the same way.
 */
export async function rowsOf<T = Record<string, unknown>>(runner: Runner, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await runner.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

function dataSourceOf(runner: Runner): DataSource {
  return 'manager' in runner && 'driver' in runner ? runner : runner.connection;
}

/**
 * A raw row (database column names) as the entity it is a row of, converted by TypeORM's own column
 * metadata, so hand-written SQL returns the same typed objects as the Repository does.
 */
export function hydrate<T extends ObjectLiteral>(runner: Runner, target: EntityTarget<T>, raw: Record<string, unknown>): T {
  const dataSource = dataSourceOf(runner);
  const metadata = dataSource.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (column.relationMetadata) {
      // The foreign key column itself (e.g. provider_config_id) still comes through as its own property.
      if (column.databaseName in raw) (entity as Record<string, unknown>)[column.propertyName] = raw[column.databaseName];
      continue;
    }
    if (column.databaseName in raw) {
      (entity as Record<string, unknown>)[column.propertyName] = dataSource.driver.prepareHydratedValue(raw[column.databaseName], column);
    }
  }
  return entity;
}

/** The columns of a joined table that a query gave a prefix, under their own names. */
export function prefixed(row: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = row[key];
  return out;
}

/** Every column of `target` read from `alias`, each named `prefix` + its column name (for prefixed()). */
export function prefixedColumns<T extends ObjectLiteral>(runner: Runner, target: EntityTarget<T>, alias: string, prefix: string): string {
  return dataSourceOf(runner)
    .getMetadata(target)
    .columns.map((column) => `${alias}.${column.databaseName} AS ${prefix}${column.databaseName}`)
    .join(', ');
}
