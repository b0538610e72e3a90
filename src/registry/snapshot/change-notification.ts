/**
 * A change notification as the database triggers send it (migration PropagateRegistryChanges):
 * `{"xid":"…","providers":["openai",…]}`, or `{"xid":"…","all":true}` past NOTIFY's size limit.
 * Anything else — an empty payload after a listener reconnects, someone else's NOTIFY on the
 * channel — means "something may have changed": reload everything.
 */
export type ChangeNotification = { kind: 'providers'; xid: string | null; providers: string[] } | { kind: 'all' };

export function parseChangeNotification(payload: string): ChangeNotification {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { kind: 'all' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { kind: 'all' };
  const { xid, providers } = parsed as { xid?: unknown; providers?: unknown };
  if (!Array.isArray(providers) || providers.length === 0 || !providers.every((p) => typeof p === 'string')) return { kind: 'all' };
  return { kind: 'providers', xid: typeof xid === 'string' ? xid : null, providers: providers as string[] };
}
