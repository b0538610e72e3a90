import type { DataSource } from 'typeorm';
import { hydrate } from '../../common/raw-rows';
import { DEFAULT_CREDENTIAL_TYPE } from '../kernel/credential-type';
import { AICredential } from '../entities/provider-config.entity';
import { ProviderConfig } from '../entities/provider-config.entity';

/*
 * What the in-memory snapshot holds of a provider, as SQL a write can put in its RETURNING clause:
 * the write then hands back the provider's state after itself, so the writer makes it visible in
 * this process (read-your-writes) without a second round trip. Used by the repositories of both
 * tables the snapshot reads.
 */

/** The provider_configs columns the snapshot holds (besides `id`), in one list for every query that reads them. */
export const SNAPSHOT_CONFIG_COLUMNS = [
  'provider',
  'display_name',
  'display_name_override',
  'enabled',
  'health_status',
  'priority',
  'priority_override',
  'capabilities',
  'capabilities_override',
  'circuit_state',
  'circuit_until',
  'circuit_trips',
  'circuit_reason',
  'circuit_changed_at',
  'budget_usd',
  'budget_window',
  'budget_warn_ratio',
  'budget_exhausted_until',
] as const;

/** Those columns of the row aliased `alias`, as a select list (`p.provider, p.display_name, …`). */
export function snapshotConfigColumns(alias: string): string {
  return SNAPSHOT_CONFIG_COLUMNS.map((column) => `${alias}.${column}`).join(', ');
}

/** The row aliased `alias` as jsonb, for a RETURNING clause (ids as text: jsonb has no bigint). */
export function snapshotConfigJsonOf(alias: string): string {
  // numeric as text too: a jsonb number would reach JavaScript as a float.
  const value = (column: string) => `${alias}.${column}${column === 'budget_usd' ? '::text' : ''}`;
  return `jsonb_build_object('id', ${alias}.id::text, ${SNAPSHOT_CONFIG_COLUMNS.map((column) => `'${column}', ${value(column)}`).join(', ')})`;
}

/** The provider_configs row of slug `slugSql`, as jsonb. */
export function snapshotConfigJson(slugSql: string): string {
  return `(SELECT ${snapshotConfigJsonOf('s')} FROM provider_configs s WHERE s.provider = ${slugSql})`;
}

/** The ai_credentials columns the snapshot holds of a provider's api_key credential, for every query that reads them. */
export const SNAPSHOT_CREDENTIAL_COLUMNS = [
  'id',
  'provider',
  'credential_type',
  'is_active',
  'expires_at',
  'encrypted_credentials',
  'metadata',
] as const;

/** Those columns of the row aliased `alias`, each named `prefix` + its name (for prefixed()). */
export function snapshotCredentialColumns(alias: string, prefix: string): string {
  return SNAPSHOT_CREDENTIAL_COLUMNS.map((column) => `${alias}.${column} AS ${prefix}${column}`).join(', ');
}

/** A credential column as jsonb carries it to a Date or a string id. */
function jsonCredentialColumn(column: (typeof SNAPSHOT_CREDENTIAL_COLUMNS)[number]): string {
  if (column === 'id') return 'id::text AS id';
  // jsonb would carry 'infinity' as text that no Date reads: never expiring is null, as elsewhere.
  if (column === 'expires_at')
    return `CASE WHEN expires_at = 'infinity' THEN NULL WHEN expires_at = '-infinity' THEN 'epoch'::timestamptz ELSE expires_at END AS expires_at`;
  return column;
}

/** The api_key credential of slug `slugSql` (the one the snapshot holds), as jsonb, or null. */
export function snapshotCredentialJson(slugSql: string): string {
  return `(SELECT to_jsonb(s) FROM (
    SELECT ${SNAPSHOT_CREDENTIAL_COLUMNS.map(jsonCredentialColumn).join(', ')}
    FROM ai_credentials WHERE provider = ${slugSql} AND credential_type = '${DEFAULT_CREDENTIAL_TYPE}') s)`;
}

/** A snapshot row from those two jsonb values; null when the config is not visible to the statement. */
export function snapshotRowFromJson(
  dataSource: DataSource,
  config: Record<string, unknown> | null,
  credential: Record<string, unknown> | null,
): ProviderConfig | null {
  if (config === null) return null;
  const row = hydrate(dataSource, ProviderConfig, config);
  row.credentials = credential === null ? [] : [hydrate(dataSource, AICredential, credential)];
  return row;
}
