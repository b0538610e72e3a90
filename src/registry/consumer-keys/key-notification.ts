import { isBigintId } from '../../common/bigint-id';

/**
 * A consumer key notification as the table's triggers send it (migration CreateConsumerKeys):
 * `{"ids":["12","13"]}`, the ids a committed statement touched, or `{"all":true}` past NOTIFY's
 * size limit. Anything else — the empty payload after a listener reconnects, someone else's NOTIFY
 * on the channel — means "something may have changed": everything is read again.
 */
export function parseKeyNotification(payload: string): readonly string[] | 'all' {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return 'all';
  }
  const ids = (parsed as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && isBigintId(id))) return 'all';
  return ids as string[];
}
