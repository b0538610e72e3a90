import { isCalendarDay } from './calendar-day';

// A calendar date, optionally with a time and offset: the RFC 3339 subset of ISO 8601. ISO week
// (2020-W01) and ordinal (2020-001) dates pass class-validator's IsISO8601 but not JavaScript's Date.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The instant a `YYYY-MM-DD[THH:MM[:SS[.fff]][Z|±HH:MM]]` text names, or undefined for anything else. */
export function parseDateTime(text: string): Date | undefined {
  if (!DATE_TIME.test(text) || !isCalendarDay(text.slice(0, 10))) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
