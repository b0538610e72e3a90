/** Who called the gateway: what a valid consumer key stands for. The same frozen object for every call with that key. */
export interface AuthenticatedConsumer {
  id: string;
  name: string;
  /** `provider/model` entries the key may call; null: every model. */
  models: readonly string[] | null;
}

export type ConsumerKeyStatus = 'active' | 'expired' | 'revoked';

/** A consumer key as lists, answers and the CLI show it: never the key, never its hash. */
export interface ConsumerKeyView {
  id: string;
  name: string;
  /** The key's first characters (`sk-reg-AbCdE`), to tell keys apart. */
  prefix: string;
  models: string[] | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** revoked, else expired (on this process's clock), else active. */
  status: ConsumerKeyStatus;
}

export interface CreateConsumerKeyInput {
  name: string;
  /** `provider/model` entries; left out or null: every model. */
  models?: readonly string[] | null;
  /** Left out or null: never expires. */
  expiresAt?: Date | null;
}

/** A new key: `key` is the only time its value exists outside the caller; store it now. */
export interface CreatedConsumerKey {
  key: string;
  view: ConsumerKeyView;
}
