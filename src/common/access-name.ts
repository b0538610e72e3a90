/**
 * The name of something that grants access — an API token, a consumer key: what the audit trail,
 * request logs and `<name|id>` arguments call it. Lowercase, so two names never differ by case only;
 * never all digits, so a name can never be mistaken for an id (`ai:tokens:revoke <name|id>`).
 */
const ACCESS_NAME_PATTERN = /^(?!\d+$)[a-z0-9][a-z0-9_.-]{0,99}$/;

export const ACCESS_NAME_RULE = 'must be 1-100 of a-z, 0-9, _ . - starting with a letter or digit, not all digits';

export function isAccessName(value: unknown): value is string {
  return typeof value === 'string' && ACCESS_NAME_PATTERN.test(value);
}
