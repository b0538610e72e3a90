export interface UsageAmounts {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  lastUsedAt: Date;
}

/** Usage added up in memory between flushes, keyed by provider slug or credential id. */
export class UsageTally {
  private entries = new Map<string, UsageAmounts>();

  add(key: string, amounts: UsageAmounts): void {
    const current = this.entries.get(key);
    if (!current) {
      this.entries.set(key, { ...amounts });
      return;
    }
    current.requests += amounts.requests;
    current.inputTokens += amounts.inputTokens;
    current.outputTokens += amounts.outputTokens;
    if (amounts.lastUsedAt > current.lastUsedAt) current.lastUsedAt = amounts.lastUsedAt;
  }

  /** Hands over everything tallied so far and starts afresh, so records made during a flush are kept. */
  drain(): Map<string, UsageAmounts> {
    const drained = this.entries;
    this.entries = new Map();
    return drained;
  }

  /** Puts back what a failed flush could not write, so nothing is lost. */
  restore(drained: Map<string, UsageAmounts>): void {
    for (const [key, amounts] of drained) this.add(key, amounts);
  }

  get(key: string): UsageAmounts | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
