import type { ValueTransformer } from 'typeorm';

/**
 * An expiry as the code can compare it. PostgreSQL lets writers store `'infinity'` (a common way
 * legacy writers say "never expires") and `'-infinity'`; node-postgres hands those over as the
 * numbers ±Infinity (or, read back out of jsonb, as text), which are not Dates. Never expiring is
 * `null` here, already expired the epoch; anything unreadable counts as expired rather than forever valid.
 */
export const expiryTransformer: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown): Date | null => {
    if (value === null || value === undefined || value === Infinity || value === 'infinity') return null;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? new Date(0) : value;
    if (typeof value === 'string') {
      const parsed = new Date(value);
      return Number.isNaN(parsed.getTime()) ? new Date(0) : parsed;
    }
    return new Date(0); // -Infinity and anything else
  },
};
