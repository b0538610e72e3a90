/**
 * Every action the audit triggers record (migration CreateAuditEvents1764000009000). When one write
 * changes several things, its one event carries the weightiest action and before/after hold all.
 */
export const AUDIT_ACTIONS = [
  'provider.created',
  'provider.deleted',
  'provider.renamed',
  'provider.enabled',
  'provider.disabled',
  /** priorityOverride or capabilitiesOverride */
  'provider.overrides_changed',
  'provider.preferences_changed',
  /** budgetUsd, budgetWindow or budgetWarnAt */
  'provider.budget_changed',
  /** displayName, priority or capabilities: what the catalog sync writes */
  'provider.catalog_updated',
  'credential.stored',
  'credential.removed',
  /** a new secret: `after.secret` is "replaced", never the value */
  'credential.replaced',
  /** the same secret under another key (a key rotation): `keyId` before and after */
  'credential.reencrypted',
  'credential.activated',
  'credential.deactivated',
  /** expiry, base URL or UI metadata */
  'credential.updated',
  'token.created',
  'token.deleted',
  'token.revoked',
  'token.restored',
  'token.replaced',
  'token.updated',
  /** consumer keys (migration AuditConsumerKeys1764000013500): `target` is the key's name, never the key */
  'consumer_key.created',
  'consumer_key.deleted',
  'consumer_key.revoked',
  'consumer_key.restored',
  /** a new hash written by hand: `after.secret` is "replaced" */
  'consumer_key.replaced',
  'consumer_key.updated',
  /** TRUNCATE of provider_configs, ai_credentials, api_tokens or consumer_keys: `target` names the table */
  'table.truncated',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
