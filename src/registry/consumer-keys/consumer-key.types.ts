/** A key's limits, each null for none (src/registry/key-limits enforces them across every instance). */
export interface ConsumerKeyLimits {
  /** Requests per UTC minute. */
  rpm: number | null;
  /** Tokens (input and output) per UTC minute. */
  tpm: number | null;
  /** Calls in flight at once. */
  maxParallel: number | null;
  /** USD per budgetWindow, as a decimal string ("50.0000"). */
  budgetUsd: string | null;
  /** Set exactly when budgetUsd is. */
  budgetWindow: 'day' | 'month' | null;
  /** Share of the budget at which a warning is logged once per window; null: none. */
  budgetWarnRatio: number | null;
}

/** Who called the gateway: what a valid consumer key stands for. The same frozen object for every call with that key. */
export interface AuthenticatedConsumer {
  id: string;
  name: string;
  /** `provider/model` entries the key may call; null: every model. */
  models: readonly string[] | null;
  limits: Readonly<ConsumerKeyLimits>;
}

export type ConsumerKeyStatus = 'active' | 'expired' | 'revoked';

/** A consumer key as lists, answers and the CLI show it: never the key, never its hash. */
export interface ConsumerKeyView extends ConsumerKeyLimits {
  id: string;
  name: string;
  /** The key's first characters (`sk-reg-AbCdE`), to tell keys apart. */
  prefix: string;
  models: string[] | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** updated_at to the microsecond: the ETag of a conditional update. */
  version: string;
  /** revoked, else expired (on this process's clock), else active. */
  status: ConsumerKeyStatus;
}

export interface CreateConsumerKeyInput {
  name: string;
  /** `provider/model` entries; left out or null: every model. */
  models?: readonly string[] | null;
  /** Left out or null: never expires. */
  expiresAt?: Date | null;
  /** Left out: no limits (see ConsumerKeyLimitsInput). */
  limits?: ConsumerKeyLimitsInput;
}

/**
 * Limits as an operator gives them: left out, unchanged (none at creation); null, removed. A budget
 * without a window is per month; a budget's warning share defaults to 0.8. Removing the budget removes
 * its window and warning share.
 */
export interface ConsumerKeyLimitsInput {
  rpm?: number | null;
  tpm?: number | null;
  maxParallel?: number | null;
  budgetUsd?: number | null;
  budgetWindow?: 'day' | 'month';
  budgetWarnAt?: number | null;
}

/** A new key: `key` is the only time its value exists outside the caller; store it now. */
export interface CreatedConsumerKey {
  key: string;
  view: ConsumerKeyView;
}
