import { quoteInput } from '../common/json-guard/text-rules';
import { isCalendarDay } from '../common/calendar-day';
import { CliUsageError } from './cli-errors';

/** An `--expires` value: an ISO 8601 date or time (2027-01-31, 2027-01-31T12:00:00Z); a usage error otherwise. */
export function parseExpiry(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !isCalendarDay(value.slice(0, 10))) {
    throw new CliUsageError(`--expires ${quoteInput(value)}: must be an ISO 8601 date or time, e.g. 2027-01-31 or 2027-01-31T12:00:00Z`);
  }
  return date;
}
