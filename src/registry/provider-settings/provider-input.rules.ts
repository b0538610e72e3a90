import { priorityProblem, slugProblem } from '../catalog/catalog-values';
import { displayTextProblem } from '../../common/json-guard/text-rules';
import { InvalidInputError } from '../kernel/registry.errors';

/**
 * A provider slug given to a service (`provider` of every method that takes one): the catalog's slug
 * rule, which also keeps it within `provider_configs.provider` (varchar(63)). Checked before any query,
 * so a NUL, a newline or 10 KB of junk is a clear error, not a raw SQL error or a forged log line.
 */
export function assertProviderSlug(value: unknown, field = 'provider'): string {
  if (typeof value !== 'string') throw new InvalidInputError(field, 'must be a string');
  const problem = slugProblem(value);
  if (problem) throw new InvalidInputError(field, `must be a provider slug: ${problem}`);
  return value;
}

/** An operator's priority, or null to fall back to the catalog's: the same 0..PRIORITY_MAX as the catalog. */
export function assertPriorityOverride(value: unknown): number | null {
  if (value === null) return null;
  const problem = priorityProblem(value);
  if (problem) throw new InvalidInputError('priority', `${problem}, or null to use the catalog priority`);
  return value as number;
}

/** ai_credentials.provider is varchar(255): a slug written before the registry can be that long. */
const STORED_SLUG_MAX = 255;

/**
 * A provider named to look up, change or remove what already exists. Looser than assertProviderSlug:
 * rows written before the registry (backfilled as they were, e.g. `OpenAI`) must stay reachable, so
 * only what can never match a stored row (non-text, empty, too long, unstorable characters) is refused.
 */
export function assertProviderName(value: unknown, field = 'provider'): string {
  if (typeof value !== 'string') throw new InvalidInputError(field, 'must be a string');
  if (value.length === 0 || value.length > STORED_SLUG_MAX) throw new InvalidInputError(field, `must be 1-${STORED_SLUG_MAX} characters`);
  const problem = displayTextProblem(value);
  if (problem) throw new InvalidInputError(field, problem);
  return value;
}

/** An operator's display name, or null to fall back to the catalog's: printable, 1-255 characters (the column). */
export function assertDisplayNameOverride(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidInputError('displayName', 'must be a non-empty string, or null to use the catalog name');
  }
  if (value.length > 255) throw new InvalidInputError('displayName', 'must be at most 255 characters');
  const problem = displayTextProblem(value);
  if (problem) throw new InvalidInputError('displayName', problem);
  return value.trim();
}
