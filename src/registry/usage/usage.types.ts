import type { CallOutcome } from '../kernel/call-outcomes';

export interface UsageRecord {
  requests?: number;
  inputTokens?: number;
  outputTokens?: number;
  credentialId?: string;
  /** The consumer key a gateway call was made with (consumer_keys.id): its usage and spend are reported per key. */
  consumerKeyId?: string;
  /** The model called (for per-model spend and outcomes); a catalog model id or any the provider serves. */
  model?: string;
  /** How the call ended; omitted when the caller only counts usage. */
  outcome?: CallOutcome;
  /** How long the call took, for the outcome's latency. */
  latencyMs?: number;
}

/**
 * One record of an API batch: UsageRecord plus the provider it was used with. Without a consumer key:
 * only the gateway, which authenticated the key, says which key a call was made with.
 */
export interface UsageBatchRecord extends Omit<UsageRecord, 'consumerKeyId'> {
  provider: string;
}

export interface UsageBatchResult {
  /** Records this request counted: all of the batch, or 0 for a duplicate. */
  accepted: number;
  /** True when this key had been seen: the batch was counted then, not now (accepted is 0). */
  duplicate: boolean;
}

export interface ProviderUsage {
  provider: string;
  /** A decimal string: the bigint column outgrows a JavaScript number past 2^53. */
  usageCount: string;
  lastUsedAt: Date | null;
  /** Requests recorded here but not yet written to the database (decimal string). */
  pending: string;
}

/** One provider's credential: its counters in the database and what this process holds for it (decimal strings). */
export interface CredentialUsage {
  id: string;
  provider: string;
  credentialType: string;
  usageCount: string;
  inputTokens: string;
  outputTokens: string;
  lastUsedAt: Date | null;
  pending: { requests: string; inputTokens: string; outputTokens: string };
}

/** What is recorded in this process but not (known to be) in the database. */
export interface PendingUsage {
  /** Tallied entries (per provider and per credential) waiting to be written; 0 means everything is written. */
  entries: number;
  requests: bigint;
}
