import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RegistryMetrics } from '../metrics/registry-metrics';
import { CallDeltas, CallRecord, CallTally } from './call-tally';
import { UsageAmounts, UsageSums, UsageTally } from './usage-tally';
import type { PendingUsage } from './usage.types';

/** One flush's worth of usage under the id its ledger row will carry. */
export interface FlushBatch {
  id: string;
  providers: Map<string, UsageSums>;
  credentials: Map<string, UsageSums>;
  calls: CallDeltas;
}

type Counts = { requests: bigint; inputTokens: bigint; outputTokens: bigint };

/**
 * What this process has recorded and not (known to be) written: the tallies record() adds to, and the
 * batch a flush drained and sent but has no answer for. UsageService adds and reads, UsageFlusher
 * drains and releases; the state is here so neither has to reach into the other.
 */
@Injectable()
export class UsageBuffer {
  private readonly byProvider = new UsageTally();
  private readonly byCredential = new UsageTally();
  private readonly calls = new CallTally();
  /** Drained and sent, but not known to be in the database: it goes again unchanged, under its own id. */
  private held: FlushBatch | undefined;

  constructor(private readonly metrics: RegistryMetrics) {
    metrics.reportPendingUsage(() => Number(this.pendingUsage().requests));
  }

  add(provider: string, credentialId: string | undefined, amounts: UsageAmounts, call: CallRecord): void {
    this.byProvider.add(provider, amounts);
    if (credentialId !== undefined) this.byCredential.add(credentialId, amounts);
    this.calls.add(call);
    this.metrics.usageBuffered.inc(amounts.requests);
  }

  /** The batch sent earlier whose outcome is unknown; undefined when every sent batch is written. */
  heldBatch(): FlushBatch | undefined {
    return this.held;
  }

  /**
   * Drains everything tallied into a new held batch under a fresh id (never merged with an older one:
   * the ledger can answer only for exactly what that id carried); undefined when nothing was tallied.
   */
  holdTallied(): FlushBatch | undefined {
    if (this.byProvider.size === 0 && this.byCredential.size === 0 && this.calls.size === 0) return undefined;
    this.held = { id: randomUUID(), providers: this.byProvider.drain(), credentials: this.byCredential.drain(), calls: this.calls.drain() };
    return this.held;
  }

  /** The held batch is in the database (written now or by an earlier attempt whose reply was lost). */
  released(): void {
    this.held = undefined;
  }

  pendingUsage(): PendingUsage {
    let requests = 0n;
    for (const sums of [...(this.held?.providers.values() ?? []), ...this.byProvider.values()]) requests += sums.requests;
    // Every record tallies its provider, so these say whether anything (its calls included) is unwritten.
    const entries = (this.held ? this.held.providers.size + this.held.credentials.size : 0) + this.byProvider.size + this.byCredential.size;
    return { entries, requests };
  }

  /** Requests of `provider` not yet written. */
  pendingRequestsOf(provider: string): bigint {
    return (this.held?.providers.get(provider)?.requests ?? 0n) + (this.byProvider.get(provider)?.requests ?? 0n);
  }

  /** Counts of credential `id` not yet written. */
  pendingOfCredential(id: string): Counts {
    const held = this.held?.credentials.get(id);
    const tallied = this.byCredential.get(id);
    const sum = (field: keyof Counts) => (held?.[field] ?? 0n) + (tallied?.[field] ?? 0n);
    return { requests: sum('requests'), inputTokens: sum('inputTokens'), outputTokens: sum('outputTokens') };
  }
}
