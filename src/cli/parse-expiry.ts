import { quoteInput } from '../common/json-guard/text-rules';
import { CliUsageError } from './cli-errors';

/** An `--expires` value: an ISO 8601 date or time (2027-01-31, 2027-01-31T12:00:00Z); a usage error otherwise. */
export function parseExpiry(value: string): Date {
  const date = new Date(value);
  // 2027-02-31 would roll over to March: the day must read back as it was written.
  const day = /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0];
  const real = day !== undefined && !Number.isNaN(date.getTime()) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
  if (!real) {
    throw new CliUsageError(`--expires ${quoteInput(value)}: must be an ISO 8601 date or time, e.g. 2027-01-31 or 2027-01-31T12:00:00Z`);
  }
  return date;
}
