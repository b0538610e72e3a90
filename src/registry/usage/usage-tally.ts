/** What one record() adds: small integers, checked by the caller (at most MAX_RECORD_AMOUNT each). */
export interface UsageAmounts {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  lastUsedAt: Date;
}

/**
 * What a key has added up to. BigInt because the columns are bigint: a number stops being exact
 * past 2^53, and a sum that is not exact is as wrong as a lost one.
 */
export interface UsageSums {
  requests: bigint;
  inputTokens: bigint;
  outputTokens: bigint;
  lastUsedAt: Date;
}

/** Usage to add to one row: `key` is the provider slug (provider_configs) or the credential id (ai_credentials). */
export interface UsageDelta extends UsageSums {
  key: string;
}

/** Rows are updated (and locked) in key order, so two instances flushing the same rows cannot deadlock. */
export function sortedDeltas(tally: Map<string, UsageSums>): UsageDelta[] {
  return [...tally.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, sums]) => ({ key, ...sums }));
}

/** Usage added up in memory between flushes, keyed by provider slug or credential id. */
export class UsageTally {
  private entries = new Map<string, UsageSums>();

  add(key: string, amounts: UsageAmounts): void {
    const current = this.entries.get(key);
    if (!current) {
      this.entries.set(key, {
        requests: BigInt(amounts.requests),
        inputTokens: BigInt(amounts.inputTokens),
        outputTokens: BigInt(amounts.outputTokens),
        lastUsedAt: amounts.lastUsedAt,
      });
      return;
    }
    current.requests += BigInt(amounts.requests);
    current.inputTokens += BigInt(amounts.inputTokens);
    current.outputTokens += BigInt(amounts.outputTokens);
    if (amounts.lastUsedAt > current.lastUsedAt) current.lastUsedAt = amounts.lastUsedAt;
  }

  /** Hands over everything tallied so far and starts afresh, so records made during a flush are kept. */
  drain(): Map<string, UsageSums> {
    const drained = this.entries;
    this.entries = new Map();
    return drained;
  }

  get(key: string): UsageSums | undefined {
    return this.entries.get(key);
  }

  values(): IterableIterator<UsageSums> {
    return this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }
}
