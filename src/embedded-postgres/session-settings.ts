import { MessageFramer, dataRowValues, errorFields, wireMessage } from './pg-wire';

/**
 * Session settings per client on PGlite's single session. A client's SET (psql's `SET search_path
 * = ''`, what pg_dump sets as it connects, `SET default_transaction_read_only = on`) would otherwise
 * stay on the one session for everybody, the server's own pool included, even after the client left.
 * So when the session passes to another client, the settings the departing one changed are read
 * (as a script that makes them again), the session is reset to its start-up state, and the script of
 * the arriving client, if it has one, is run: each client sees its own settings and nobody else's.
 * Only settings: LISTEN (the server's own, made at start), prepared statements and temporary tables
 * stay on the session, as DISCARD ALL would drop those too and the server's connections rely on them.
 */

/** What this session has SET (or set_config'd, or SET ROLE) differently from its start, as SQL that sets it again; NULL when nothing. */
export const READ_SETTINGS = query(
  `SELECT pg_catalog.string_agg(pg_catalog.format('SELECT pg_catalog.set_config(%L, %L, false);', name, setting), '')
     FROM (SELECT name, setting FROM pg_catalog.pg_settings WHERE source = 'session'
           UNION ALL
           SELECT 'role', pg_catalog.current_setting('role') WHERE pg_catalog.current_setting('role') <> 'none') AS changed`,
);

/** Back to the session's start-up settings (RESET ALL leaves the role alone). */
export const RESET_SETTINGS = query('RESET ALL; RESET ROLE');

/** A Query message running `sql`. */
export function query(sql: string): Buffer {
  return wireMessage('Q', `${sql}\0`);
}

/** The first value of the first row of a reply, and the text of its error, if any. */
export function readReply(output: Buffer[]): { value: string | null; error?: string } {
  let value: string | null = null;
  let error: string | undefined;
  for (const message of new MessageFramer({ startup: false }).push(Buffer.concat(output))) {
    if (message.type === 'D' && value === null) value = dataRowValues(message)[0] ?? null;
    if (message.type === 'E') error ??= errorFields(message).M ?? 'error';
  }
  return { value, error };
}
