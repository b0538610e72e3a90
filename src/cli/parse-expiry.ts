import { quoteInput } from '../common/json-guard/text-rules';
import { CliUsageError } from './cli-errors';

/** An `--expires` value: an ISO 8601 date or time (2027-01-31, 2027-01-31T12:00:00Z); a usage error otherwise. */
export function parseExpiry(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new CliUsageError(`--expires ${quoteInput(value)}: must be an ISO 8601 date or time, e.g. 2027-01-31 or 2027-01-31T12:00:00Z`);
  }
  return date;
}
