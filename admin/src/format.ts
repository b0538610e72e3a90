import type { Availability, Budget, CircuitPhase, HealthStatus, ProviderCircuit } from './api/types';

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
  tripped: 'tripped: real calls failed',
  budget_exhausted: 'budget spent',
};

export function reasonInWords(reason: string): string {
  return REASONS[reason] ?? reason.replace(/_/g, ' ');
}

/** What the provider's answer says beside its availability, to say why in full. */
export interface AvailabilityContext {
  circuit?: ProviderCircuit;
  budget?: Budget | null;
  now?: number;
}

/**
 * "available", or why not in words; an unhealthy provider says what its last check saw, a tripped one
 * why and when it is back, one whose budget is spent until when.
 */
export function availabilityInWords(availability: Availability, lastError?: string | null, context: AvailabilityContext = {}): string {
  if (availability.available) return 'available';
  const words = reasonInWords(availability.reason);
  if (availability.reason === 'unhealthy' && lastError) return `${words}: ${lastError}`;
  if (availability.reason === 'tripped' && context.circuit) {
    const { reason, until } = context.circuit;
    const why = reason ?? words;
    return until ? `${why}, back at ${clockTime(until, context.now)}` : why;
  }
  if (availability.reason === 'budget_exhausted' && context.budget?.exhaustedUntil) {
    return `${words} until ${dayMonth(context.budget.exhaustedUntil)}`;
  }
  return words;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "1 Jan" (UTC, as the budget windows are). */
export function dayMonth(iso: string): string {
  const date = new Date(iso);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
}

/** "12:31 UTC" today, "2 Dec 12:31 UTC" on another day. */
export function clockTime(iso: string, now: number = Date.now()): string {
  const date = new Date(iso);
  const time = `${date.toISOString().slice(11, 16)} UTC`;
  return date.toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10) ? time : `${dayMonth(iso)} ${time}`;
}

const PHASES: Record<CircuitPhase, string> = {
  closed: 'closed: real calls pass',
  open: 'open: out of selection after failed calls',
  half_open: 'half-open: a few trial calls are let through',
};

export function circuitPhaseInWords(phase: CircuitPhase): string {
  return PHASES[phase] ?? phase.replace(/_/g, ' ');
}

/**
 * "$3.50", "$0.0105", "$1,234.00": USD decimal strings shown exactly (no float), at least cents,
 * trailing zeros past the cents dropped.
 */
export function usd(value: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign, whole, fraction = ''] = match;
  const cents = fraction.padEnd(2, '0');
  const shown = cents.slice(0, 2) + cents.slice(2).replace(/0+$/, '');
  return `${sign}$${count(whole.replace(/^0+(?=\d)/, ''))}.${shown}`;
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
