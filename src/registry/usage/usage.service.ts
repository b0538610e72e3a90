import { Inject, Injectable } from '@nestjs/common';
import { RegistryMetrics } from '../metrics/registry-metrics';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { InvalidInputError, UnknownProviderError } from '../kernel/registry.errors';
import { RegistryStateService } from '../snapshot/registry-state.service';
import { CallRecord, CallTally } from './call-tally';
import { SpendService } from './spend.service';
import { costNanos, priceOf } from '../catalog/prices';
import type { SpendReport } from './spend-report';
import { batchHash, batchLedgerId } from './usage-batch';
import { UsageBuffer } from './usage-buffer';
import { UsageWriteListener } from './usage-write-listener';
import { UsageFlusher } from './usage-flusher.service';
import { amount, assertBatchShape, CallFields, callFields, consumerKeyKey, credentialKey, normalizeBatchRecord } from './usage-input.rules';
import { UsageAmounts, UsageTally, sortedDeltas } from './usage-tally';
import { IdempotencyKeyReusedError } from './usage.errors';
import { UsageRepository } from './usage.repository';
import type { CredentialUsage, PendingUsage, ProviderUsage, UsageBatchRecord, UsageBatchResult, UsageRecord } from './usage.types';

/**
 * What a host records and reads of usage. record() is an in-memory add so callers on the request path
 * pay nothing (UsageFlusher writes it); an API batch goes straight to the database, exactly once per
 * key; the read models add what this process has not written yet to the database's counters.
 *
 * flush() and spend() are UsageFlusher's and SpendService's: they stay here too because hosts call
 * them on this service (the README's table of the services the module exports).
 */
@Injectable()
export class UsageService {
  constructor(
    private readonly buffer: UsageBuffer,
    private readonly repository: UsageRepository,
    private readonly flusher: UsageFlusher,
    private readonly spendReports: SpendService,
    private readonly fanOut: UsageWriteListener,
    private readonly state: RegistryStateService,
    private readonly metrics: RegistryMetrics,
    @Inject(CATALOG) private readonly catalog: Catalog,
  ) {}

  record(provider: string, usage: UsageRecord = {}): void {
    if (!this.state.current().providers.has(provider)) throw new UnknownProviderError(provider);
    const credentialId = usage.credentialId === undefined ? undefined : credentialKey(usage.credentialId);
    const consumerKeyId = usage.consumerKeyId === undefined ? '0' : consumerKeyKey(usage.consumerKeyId);
    const amounts: UsageAmounts = {
      requests: amount('requests', usage.requests, 1),
      inputTokens: amount('inputTokens', usage.inputTokens, 0),
      outputTokens: amount('outputTokens', usage.outputTokens, 0),
      lastUsedAt: new Date(),
    };
    const call = callFields(usage);
    this.buffer.add(provider, credentialId, amounts, this.callRecord(provider, credentialId ?? null, consumerKeyId, amounts, call));
  }

  /**
   * Counts an API batch exactly once per Idempotency-Key, on any instance: it goes straight to the
   * database in one transaction with its key (never into the tally, where a crash before the next flush
   * would lose it while its key says "done"). Every record is checked before anything is written.
   */
  async recordBatch(idempotencyKey: unknown, records: readonly UsageBatchRecord[]): Promise<UsageBatchResult> {
    assertBatchShape(idempotencyKey, records);
    const isKnown = (provider: string) => this.state.current().providers.has(provider);
    const normalized = records.map((record, i) => normalizeBatchRecord(record, `records.${i}`, isKnown));
    const providers = new UsageTally();
    const credentials = new UsageTally();
    const calls = new CallTally();
    const credentialProviders = new Map<string, string>();
    const lastUsedAt = new Date();
    for (const { provider, credentialId, model, outcome, latencyMs, ...counts } of normalized) {
      providers.add(provider, { ...counts, lastUsedAt });
      calls.add(this.callRecord(provider, credentialId, '0', { ...counts, lastUsedAt }, { model, outcome, latencyMs }));
      if (credentialId === null) continue;
      credentials.add(credentialId, { ...counts, lastUsedAt });
      const other = credentialProviders.get(credentialId);
      // One credential belongs to one provider: under two, at least one is wrong.
      if (other !== undefined && other !== provider)
        throw new InvalidInputError('records', `credential ${credentialId} is reported under two providers`);
      credentialProviders.set(credentialId, provider);
    }
    const hash = batchHash(normalized);
    const callDeltas = calls.drain();
    const outcome = await this.repository.applyBatch({
      id: batchLedgerId(idempotencyKey),
      hash,
      providers: sortedDeltas(providers.drain()),
      credentials: sortedDeltas(credentials.drain()),
      calls: callDeltas,
      credentialProviders,
    });
    if (outcome.applied) {
      this.metrics.usageBatchRecords.inc({ result: 'applied' }, records.length);
      await this.fanOut.afterWrite(callDeltas);
      return { accepted: records.length, duplicate: false };
    }
    if (outcome.hash !== hash) throw new IdempotencyKeyReusedError();
    this.metrics.usageBatchRecords.inc({ result: 'duplicate' }, records.length);
    // Counted when the key was first seen: this request counts nothing.
    return { accepted: 0, duplicate: true };
  }

  /** Writes everything recorded so far (UsageFlusher.flush). */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  pendingUsage(): PendingUsage {
    return this.buffer.pendingUsage();
  }

  async getUsage(): Promise<ProviderUsage[]> {
    const rows = await this.repository.findProviderUsage();
    return rows.map((row) => ({
      provider: row.provider,
      usageCount: row.usageCount,
      lastUsedAt: row.lastUsedAt,
      pending: this.buffer.pendingRequestsOf(row.provider).toString(),
    }));
  }

  /** The spend report (SpendService.spend). */
  spend(
    query: { groupBy?: readonly string[]; from?: string; to?: string; provider?: string } = {},
    now = new Date(),
  ): Promise<SpendReport> {
    return this.spendReports.spend(query, now);
  }

  /** Per credential: the database's counters plus what this process has not written yet. */
  async getCredentialUsage(): Promise<CredentialUsage[]> {
    const rows = await this.repository.findCredentialUsage();
    return rows.map((row) => {
      const pending = this.buffer.pendingOfCredential(row.id);
      return {
        id: row.id,
        provider: row.provider,
        credentialType: row.credentialType,
        usageCount: row.usageCount,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
        lastUsedAt: row.lastUsedAt,
        pending: {
          requests: pending.requests.toString(),
          inputTokens: pending.inputTokens.toString(),
          outputTokens: pending.outputTokens.toString(),
        },
      };
    });
  }

  /** A record as the spend and outcome tables count it, priced from the catalog. */
  private callRecord(
    provider: string,
    credentialId: string | null,
    consumerKeyId: string,
    amounts: UsageAmounts,
    call: CallFields,
  ): CallRecord {
    const price = priceOf(this.catalog, provider, call.model);
    return {
      provider,
      model: call.model ?? '',
      credentialId: credentialId ?? '0',
      consumerKeyId,
      requests: amounts.requests,
      inputTokens: amounts.inputTokens,
      outputTokens: amounts.outputTokens,
      costNanos: costNanos(price, BigInt(amounts.inputTokens), BigInt(amounts.outputTokens)),
      outcome: call.outcome,
      latencyMs: call.latencyMs,
      at: amounts.lastUsedAt,
    };
  }
}
