/** Pure wording for the audit trail's before and after: a short line per field instead of a JSON blob. */

/** One field of an event's before or after: its value in a line, or (an object) its own fields. */
export interface AuditField {
  name: string;
  text: string;
  fields?: AuditField[];
}

/** Past this, a value is cut (capabilities are long); the whole event is in the API. */
const MAX_CHARS = 160;
/** Items of a list named before "+N more". */
const MAX_ITEMS = 5;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

function cut(text: string): string {
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
}

/** A list item by what names it: a model by its id (or name), anything else in words. */
function itemInWords(item: unknown): string {
  if (isObject(item) && (typeof item.id === 'string' || typeof item.name === 'string')) return String(item.id ?? item.name);
  return valueInWords(item);
}

/** "none", text as it is, "gpt-4o, gpt-4o-mini +6 more", "probe: openai; requiresApiKey: true". */
export function valueInWords(value: unknown): string {
  if (isEmpty(value)) return value === '' ? '(empty)' : 'none';
  if (typeof value === 'string') return cut(value);
  if (Array.isArray(value)) {
    const named = value.slice(0, MAX_ITEMS).map(itemInWords).join(', ');
    return cut(value.length > MAX_ITEMS ? `${named} +${value.length - MAX_ITEMS} more` : named);
  }
  if (isObject(value)) {
    return cut(
      Object.entries(value)
        .map(([key, v]) => `${key}: ${isObject(v) ? `(${Object.keys(v).length} fields)` : valueInWords(v)}`)
        .join('; '),
    );
  }
  return String(value);
}

/**
 * The fields of an event's before or after, each in a line; an object's fields one level down. For
 * a whole row (a creation's after, a deletion's before) fields that hold nothing are left out: nothing
 * was set there. For a change they stay: a field cleared to nothing is the change.
 */
export function auditFields(value: Record<string, unknown> | null, wholeRow: boolean): AuditField[] {
  if (!value) return [];
  return Object.entries(value)
    .filter(([, v]) => !(wholeRow && isEmpty(v)))
    .map(([name, v]) =>
      isObject(v) && !isEmpty(v)
        ? { name, text: '', fields: Object.entries(v).map(([key, inner]) => ({ name: key, text: valueInWords(inner) })) }
        : { name, text: valueInWords(v) },
    );
}
