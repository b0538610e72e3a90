import type { Availability, HealthStatus } from './api/types';

/** Pure wording for the page: what the API's codes mean to an operator. */

const REASONS: Record<string, string> = {
  unknown_provider: 'not in the registry',
  disabled: 'disabled by an operator',
  no_credential: 'no credential',
  credential_expired: 'expired credential',
  credential_inactive: 'credential deactivated',
  credential_undecryptable: 'credential cannot be decrypted (key ring)',
  unhealthy: 'unhealthy',
  no_model_of_type: 'offers no model of this type',
  unknown_model: 'does not offer this model',
  duplicate: 'already tried earlier',
  operation_disabled: 'the operation override is switched off',
  operation_wrong_type: 'the operation is for another model type',
};

export function reasonInWords(reason: string): string {
  return REASONS[reason] ?? reason.replace(/_/g, ' ');
}

/** "available", or why not in words; an unhealthy provider says what its last check saw. */
export function availabilityInWords(availability: Availability, lastError?: string | null): string {
  if (availability.available) return 'available';
  const words = reasonInWords(availability.reason);
  if (availability.reason === 'unhealthy' && lastError) return `${words}: ${lastError}`;
  return words;
}

export const HEALTH_LABELS: Record<HealthStatus, { label: string; symbol: string }> = {
  healthy: { label: 'healthy', symbol: '●' },
  degraded: { label: 'degraded', symbol: '◐' },
  unhealthy: { label: 'unhealthy', symbol: '✕' },
  unknown: { label: 'unknown', symbol: '?' },
};

/** "3 min ago", "2 h ago", "just now"; "never" for null. */
export function ago(iso: string | null, now: number = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 0) return 'in the future';
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

export function latency(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : `${Math.round(ms)} ms`;
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${value.toFixed(1)} %`;
}

/** Decimal strings (bigint counters) with thousands separators, without going through a float. */
export function count(value: string | number): string {
  const text = String(value);
  if (!/^\d+$/.test(text)) return text;
  return text.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function dateTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/**
 * A UI-preference value as typed in the form: JSON when it parses (numbers, booleans, objects),
 * otherwise the text itself, so `teal` and `"teal"` both mean the string.
 */
export function parsePreferenceValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}

export function preferenceValueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Which form row an API field error belongs to: `ui_preferences.color` or `ui_preferences.theme.dark`
 * go to the row `color` / `theme`; anything else belongs to the form as a whole (null).
 */
export function preferenceKeyOfError(field: string, keys: string[]): string | null {
  const match = /^(?:ui_preferences|uiPreferences)(?:\.([^.[]+)|\["?([^"\]]+)"?\])/.exec(field);
  const key = match ? (match[1] ?? match[2]) : undefined;
  return key !== undefined && keys.includes(key) ? key : null;
}
