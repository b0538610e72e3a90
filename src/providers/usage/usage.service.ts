import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RegistryMetrics } from '../../metrics/registry-metrics';
import { REGISTRY_SETTINGS, RegistrySettings } from '../providers.options';
import { InvalidInputError, UnknownProviderError } from '../providers.errors';
import { RegistryStateService } from '../selection/registry-state.service';
import { assertProviderName } from '../provider-configs/provider-input.rules';
import { retryDelayMs } from './retry-delay';
import { batchHash, batchLedgerId, NormalizedUsageRecord } from './usage-batch';
import { IdempotencyKeyReusedError } from './usage.errors';
import { DroppedUsage, UsageDelta, UsageRepository } from './usage.repository';
import { UsageAmounts, UsageSums, UsageTally } from './usage-tally';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { modelIdProblem } from '../catalog/catalog-values';
import { PassiveHealthService } from '../health/passive-health.service';
import { BudgetService } from './budget.service';
import { CallDeltas, CallTally } from './call-tally';
import { costNanos, formatUsd, priceOf } from './spend.rules';
import { SPEND_GROUPS, SpendGroup, SpendReport } from './spend-report';
import { isCalendarDay } from '../../common/calendar-day';

/** How a call to the provider ended, as its caller saw it: passive health learns from these. */
export const CALL_OUTCOMES = ['success', 'error', 'timeout', 'rate_limited', 'auth_error'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export interface UsageRecord {
  requests?: number;
  inputTokens?: number;
  outputTokens?: number;
  credentialId?: string;
  /** The model called (for per-model spend and outcomes); a catalog model id or any the provider serves. */
  model?: string;
  /** How the call ended; omitted when the caller only counts usage. */
  outcome?: CallOutcome;
  /** How long the call took, for the outcome's latency. */
  latencyMs?: number;
}

export interface ProviderUsage {
  provider: string;
  /** A decimal string: the bigint column outgrows a JavaScript number past 2^53. */
  usageCount: string;
  lastUsedAt: Date | null;
  /** Requests recorded here but not yet written to the database (decimal string). */
  pending: string;
}

export type { SpendReport } from './spend-report';

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

/** One record of an API batch: UsageRecord plus the provider it was used with. */
export interface UsageBatchRecord extends UsageRecord {
  provider: string;
}

export interface UsageBatchResult {
  /** Records the batch carried, counted once. */
  accepted: number;
  /** True when this key had been seen: the batch was counted then, not now. */
  duplicate: boolean;
}

/** Records per API batch: a bounded transaction, and a body well within the API's 64 KiB. */
export const MAX_BATCH_RECORDS = 1000;
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,200}$/;

/** What is recorded in this process but not (known to be) in the database. */
export interface PendingUsage {
  /** Tallied entries (per provider and per credential) waiting to be written; 0 means everything is written. */
  entries: number;
  requests: bigint;
}

/**
 * The most one record() may add to each of its counts: far above any real request (the largest
 * context windows hold ~10^7 tokens), low enough that a junk value cannot poison a sum: 2^32 records
 * of it still fit a bigint column.
 */
export const MAX_RECORD_AMOUNT = 2_147_483_647;
const MAX_CREDENTIAL_ID = 9_223_372_036_854_775_807n;

/**
 * A ledger row must outlive every retry of its flush or API batch: an Idempotency-Key is remembered
 * this long (at least; rows are pruned hourly), and a retry after that would count twice.
 */
export const LEDGER_RETENTION_MS = 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;
/** Scheduled flushes back off up to this (or the flush interval, if longer) while the database fails. */
const RETRY_CAP_MS = 60_000;
/** At shutdown there is one chance left: retry often until the deadline. */
const SHUTDOWN_RETRY_BASE_MS = 50;
const SHUTDOWN_RETRY_CAP_MS = 1000;

interface FlushBatch {
  id: string;
  providers: Map<string, UsageSums>;
  credentials: Map<string, UsageSums>;
  calls: CallDeltas;
}

/** The longest range a report covers: a year and a day, so a leap year fits. */
const MAX_SPEND_DAYS = 366;

function assertDay(value: string, field: string): string {
  if (!isCalendarDay(value)) {
    throw new InvalidInputError(field, 'must be a date YYYY-MM-DD');
  }
  return value;
}

/** Outcome buckets are read for circuit windows of at most a day (passiveWindowMs' bound): older ones go. */
const OUTCOME_RETENTION_MS = 86_400_000;
/** A call's latency as reported: up to a day, in milliseconds. */
const MAX_LATENCY_MS = 86_400_000;

/** The optional call fields of a record, checked: named by `at` (`records.3.`) in a batch. */
function callFields(usage: UsageRecord, at = ''): Pick<UsageRecord, 'model' | 'outcome' | 'latencyMs'> {
  if (usage.model !== undefined && modelIdProblem(usage.model)) throw new InvalidInputError(`${at}model`, modelIdProblem(usage.model)!);
  if (usage.outcome !== undefined && !(CALL_OUTCOMES as readonly unknown[]).includes(usage.outcome)) {
    throw new InvalidInputError(`${at}outcome`, `must be one of ${CALL_OUTCOMES.join(', ')}`);
  }
  const latency = usage.latencyMs;
  if (latency !== undefined && (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0 || latency > MAX_LATENCY_MS)) {
    throw new InvalidInputError(`${at}latencyMs`, `must be a number of milliseconds from 0 to ${MAX_LATENCY_MS}`);
  }
  return { model: usage.model, outcome: usage.outcome, latencyMs: latency };
}

/** Rows are updated (and locked) in key order, so two instances flushing the same rows cannot deadlock. */
function sortedDeltas(tally: Map<string, UsageSums>): UsageDelta[] {
  return [...tally.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, sums]) => ({ key, ...sums }));
}

function amount(field: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_RECORD_AMOUNT) {
    throw new InvalidInputError(field, `must be an integer from 0 to ${MAX_RECORD_AMOUNT}`);
  }
  return n;
}

/**
 * The canonical id is the tally key: '007' and '7' are one row, and one UPDATE … FROM given two
 * deltas for the same row applies only one of them.
 */
function credentialKey(id: unknown, field = 'credentialId'): string {
  // Up to 18 digits without a leading zero is already canonical and below 2^63: the common case parses nothing.
  if (typeof id === 'string' && /^[1-9]\d{0,17}$/.test(id)) return id;
  const value = typeof id === 'string' && /^\d{1,19}$/.test(id) ? BigInt(id) : 0n;
  if (value < 1n || value > MAX_CREDENTIAL_ID) {
    throw new InvalidInputError(field, `must be a credential id (an integer from 1 to ${MAX_CREDENTIAL_ID})`);
  }
  return value.toString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not finish within ${ms} ms`)), Math.max(0, ms));
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * record() is an in-memory add so callers on the request path pay nothing; the flusher turns the
 * tallies into `n = n + $delta` UPDATEs, which add up exactly whatever the number of instances, and
 * each flush carries an id recorded in the same transaction, so a retry never counts it twice.
 */
@Injectable()
export class UsageService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageService.name);
  private readonly byProvider = new UsageTally();
  private readonly byCredential = new UsageTally();
  private readonly calls = new CallTally();
  /** Drained and sent, but not known to be in the database: it goes again unchanged, under its own id. */
  private held: FlushBatch | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private scheduledFailures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastPruneAt = -Infinity;

  constructor(
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    private readonly repository: UsageRepository,
    private readonly state: RegistryStateService,
    private readonly metrics: RegistryMetrics,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly passiveHealth: PassiveHealthService,
    private readonly budgets: BudgetService,
  ) {
    metrics.reportPendingUsage(() => Number(this.pendingUsage().requests));
  }

  onApplicationBootstrap(): void {
    this.scheduleFlush();
  }

  /**
   * Never throws: a rejected shutdown hook would make Nest skip the hooks after it. What could not be
   * written is logged and stays visible in pendingUsage(), which the host checks for its exit code.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const budget = this.settings.shutdownFlushTimeoutMs;
    const started = performance.now();
    for (let failures = 1; ; failures++) {
      try {
        await withinMs(this.flush(), budget - (performance.now() - started));
        return;
      } catch (error) {
        const wait = retryDelayMs(failures, SHUTDOWN_RETRY_BASE_MS, SHUTDOWN_RETRY_CAP_MS);
        if (performance.now() - started + wait >= budget) {
          const { requests } = this.pendingUsage();
          this.logger.error(
            `Final usage flush failed after ${failures} attempt(s) within ${budget} ms: usage of ${requests} request(s) is not known to be written (${(error as Error).message})`,
          );
          return;
        }
        this.logger.warn(`Final usage flush failed, retrying in ${wait} ms: ${(error as Error).message}`);
        await sleep(wait);
      }
    }
  }

  record(provider: string, usage: UsageRecord = {}): void {
    if (!this.state.current().providers.has(provider)) throw new UnknownProviderError(provider);
    const credentialId = usage.credentialId === undefined ? undefined : credentialKey(usage.credentialId);
    const amounts: UsageAmounts = {
      requests: amount('requests', usage.requests, 1),
      inputTokens: amount('inputTokens', usage.inputTokens, 0),
      outputTokens: amount('outputTokens', usage.outputTokens, 0),
      lastUsedAt: new Date(),
    };
    const call = callFields(usage);
    this.byProvider.add(provider, amounts);
    if (credentialId !== undefined) this.byCredential.add(credentialId, amounts);
    this.calls.add(this.callRecord(provider, credentialId ?? null, amounts, call));
    this.metrics.usageBuffered.inc(amounts.requests);
  }

  /**
   * Counts an API batch exactly once per Idempotency-Key, on any instance: it goes straight to the
   * database in one transaction with its key (never into the tally, where a crash before the next flush
   * would lose it while its key says "done"). Every record is checked before anything is written.
   */
  async recordBatch(idempotencyKey: unknown, records: readonly UsageBatchRecord[]): Promise<UsageBatchResult> {
    if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new InvalidInputError('Idempotency-Key', 'is required: 1-200 printable ASCII characters');
    }
    if (!Array.isArray(records) || records.length === 0 || records.length > MAX_BATCH_RECORDS) {
      throw new InvalidInputError('records', `must hold 1 to ${MAX_BATCH_RECORDS} records`);
    }
    const normalized = records.map((record, i) => this.normalize(record, `records.${i}`));
    const providers = new UsageTally();
    const credentials = new UsageTally();
    const calls = new CallTally();
    const credentialProviders = new Map<string, string>();
    const lastUsedAt = new Date();
    for (const { provider, credentialId, model, outcome, latencyMs, ...counts } of normalized) {
      providers.add(provider, { ...counts, lastUsedAt });
      calls.add(this.callRecord(provider, credentialId, { ...counts, lastUsedAt }, { model, outcome, latencyMs }));
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
      await this.afterWrite(callDeltas);
      return { accepted: records.length, duplicate: false };
    }
    if (outcome.hash !== hash) throw new IdempotencyKeyReusedError();
    this.metrics.usageBatchRecords.inc({ result: 'duplicate' }, records.length);
    return { accepted: records.length, duplicate: true };
  }

  /** Writes everything recorded so far. Flushes run one after another, never two at once. */
  flush(): Promise<void> {
    const run = this.flushing.catch(() => undefined).then(() => this.writePending());
    this.flushing = run;
    return run;
  }

  pendingUsage(): PendingUsage {
    let requests = 0n;
    for (const sums of [...(this.held?.providers.values() ?? []), ...this.byProvider.values()]) requests += sums.requests;
    // Every record tallies its provider, so these say whether anything (its calls included) is unwritten.
    const entries = (this.held ? this.held.providers.size + this.held.credentials.size : 0) + this.byProvider.size + this.byCredential.size;
    return { entries, requests };
  }

  async getUsage(): Promise<ProviderUsage[]> {
    const rows = await this.repository.findProviderUsage();
    return rows.map((row) => ({
      provider: row.provider,
      usageCount: row.usageCount,
      lastUsedAt: row.lastUsedAt,
      pending: ((this.held?.providers.get(row.provider)?.requests ?? 0n) + (this.byProvider.get(row.provider)?.requests ?? 0n)).toString(),
    }));
  }

  /**
   * Usage and spend per provider, model, credential and/or day from `from` to `to` (UTC days,
   * inclusive; by default this month so far), from the daily sums every instance's flush adds to
   * exactly once. What this instance has not flushed yet is not in it (see pendingUsage()).
   */
  async spend(
    query: { groupBy?: readonly string[]; from?: string; to?: string; provider?: string } = {},
    now = new Date(),
  ): Promise<SpendReport> {
    const groupBy = [...new Set(query.groupBy ?? ['provider'])];
    for (const group of groupBy) {
      if (!(SPEND_GROUPS as readonly string[]).includes(group))
        throw new InvalidInputError('groupBy', `must list some of ${SPEND_GROUPS.join(', ')}`);
    }
    const today = now.toISOString().slice(0, 10);
    const from = assertDay(query.from ?? `${today.slice(0, 8)}01`, 'from');
    const to = assertDay(query.to ?? today, 'to');
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days < 1) throw new InvalidInputError('to', 'must not be before from');
    if (days > MAX_SPEND_DAYS) throw new InvalidInputError('to', `must be at most ${MAX_SPEND_DAYS} days after from`);
    const provider = query.provider === undefined ? undefined : assertProviderName(query.provider);
    const rows = await this.repository.spend(groupBy as SpendGroup[], { from, to, provider });
    let total = 0n;
    const shown = rows.map(({ costNanos: cost, provider: p, model, credentialId, day, ...counts }) => {
      total += BigInt(cost);
      return {
        ...(p === null ? {} : { provider: p }),
        ...(model === null ? {} : { model }),
        ...(credentialId === null ? {} : { credentialId }),
        ...(day === null ? {} : { day }),
        ...counts,
        costUsd: formatUsd(BigInt(cost)),
      };
    });
    return { from, to, groupBy: groupBy as SpendGroup[], rows: shown, totalUsd: formatUsd(total) };
  }

  /** Per credential: the database's counters plus what this process has not written yet. */
  async getCredentialUsage(): Promise<CredentialUsage[]> {
    const rows = await this.repository.findCredentialUsage();
    return rows.map((row) => {
      const held = this.held?.credentials.get(row.id);
      const tallied = this.byCredential.get(row.id);
      const pending = (field: 'requests' | 'inputTokens' | 'outputTokens') => ((held?.[field] ?? 0n) + (tallied?.[field] ?? 0n)).toString();
      return {
        id: row.id,
        provider: row.provider,
        credentialType: row.credentialType,
        usageCount: row.usageCount,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
        lastUsedAt: row.lastUsedAt,
        pending: { requests: pending('requests'), inputTokens: pending('inputTokens'), outputTokens: pending('outputTokens') },
      };
    });
  }

  /** The rules of record(), with each field named by its place in the batch. */
  private normalize(record: UsageBatchRecord, at: string): NormalizedUsageRecord {
    const provider = assertProviderName(record?.provider, `${at}.provider`);
    if (!this.state.current().providers.has(provider)) throw new UnknownProviderError(provider);
    return {
      provider,
      credentialId: record.credentialId === undefined ? null : credentialKey(record.credentialId, `${at}.credentialId`),
      requests: amount(`${at}.requests`, record.requests, 1),
      inputTokens: amount(`${at}.inputTokens`, record.inputTokens, 0),
      outputTokens: amount(`${at}.outputTokens`, record.outputTokens, 0),
      ...callFields(record, `${at}.`),
    };
  }

  /** A record as the spend and outcome tables count it, priced from the catalog. */
  private callRecord(
    provider: string,
    credentialId: string | null,
    amounts: UsageAmounts,
    call: Pick<UsageRecord, 'model' | 'outcome' | 'latencyMs'>,
  ) {
    const price = priceOf(this.catalog, provider, call.model);
    return {
      provider,
      model: call.model ?? '',
      credentialId: credentialId ?? '0',
      requests: amounts.requests,
      inputTokens: amounts.inputTokens,
      outputTokens: amounts.outputTokens,
      costNanos: costNanos(price, BigInt(amounts.inputTokens), BigInt(amounts.outputTokens)),
      outcome: call.outcome,
      latencyMs: call.latencyMs,
      at: amounts.lastUsedAt,
    };
  }

  /**
   * What the calls just written mean for passive health and budgets. The usage itself is safe in the
   * database by now, so a failure here is logged, never the flush's: the next flush decides again.
   */
  private async afterWrite(calls: CallDeltas): Promise<void> {
    const withOutcomes = new Set(calls.outcomes.map((o) => o.provider));
    const withCost = new Set(calls.daily.filter((d) => d.costNanos > 0n).map((d) => d.provider));
    try {
      if (withOutcomes.size > 0) await this.passiveHealth.evaluate(withOutcomes);
      if (withCost.size > 0) await this.budgets.check(withCost);
    } catch (error) {
      this.logger.warn(`Deciding passive health and budgets after a usage write failed: ${(error as Error).message}`);
    }
  }

  private scheduleFlush(): void {
    const base = this.settings.usageFlushMs;
    this.timer = setTimeout(() => void this.flushOnSchedule(), retryDelayMs(this.scheduledFailures, base, Math.max(base, RETRY_CAP_MS)));
    this.timer.unref();
  }

  private async flushOnSchedule(): Promise<void> {
    try {
      await this.flush();
      this.scheduledFailures = 0;
    } catch (error) {
      this.scheduledFailures++;
      this.logger.warn(`Usage flush failed (${this.scheduledFailures} in a row), will retry: ${(error as Error).message}`);
    }
    if (!this.stopped) this.scheduleFlush();
  }

  private async writePending(): Promise<void> {
    // Never merged with newer records: the ledger can answer only for exactly what that id carried.
    if (this.held) await this.write(this.held);
    if (this.byProvider.size === 0 && this.byCredential.size === 0 && this.calls.size === 0) return;
    this.held = { id: randomUUID(), providers: this.byProvider.drain(), credentials: this.byCredential.drain(), calls: this.calls.drain() };
    await this.write(this.held);
  }

  private async write(batch: FlushBatch): Promise<void> {
    const timer = this.metrics.flushDuration.startTimer();
    const outcome = await this.repository
      .applyFlush(batch.id, sortedDeltas(batch.providers), sortedDeltas(batch.credentials), batch.calls)
      .catch((error: unknown) => {
        this.metrics.flushFailures.inc();
        throw error;
      });
    timer();
    this.held = undefined;
    // Written now or by an earlier attempt whose reply was lost: either way, in the database once.
    let requests = 0n;
    for (const sums of batch.providers.values()) requests += sums.requests;
    this.metrics.usageFlushed.inc(Number(requests));
    if (!outcome.applied) this.logger.log(`Usage flush ${batch.id} had already committed (its reply was lost): not adding it again`);
    if (outcome.dropped.length > 0) this.logDropped(batch, outcome.dropped);
    if (outcome.applied) await this.afterWrite(batch.calls);
    await this.pruneIfDue();
  }

  private logDropped(batch: FlushBatch, dropped: DroppedUsage[]): void {
    const providers = dropped.filter((d) => d.table === 'provider_configs').length;
    const shown = dropped
      .slice(0, 10)
      .map(
        ({ table, delta, reason }) =>
          `${table} ${delta.key} (+${delta.requests} requests, +${delta.inputTokens} input and +${delta.outputTokens} output tokens): ${reason}`,
      );
    this.logger.error(
      `Usage flush ${batch.id} left out ${providers} of ${batch.providers.size} provider entries and ${dropped.length - providers} of ` +
        `${batch.credentials.size} credential entries that the database refuses for good; the rest was written. ` +
        `Left out: ${shown.join('; ')}${dropped.length > shown.length ? `; and ${dropped.length - shown.length} more` : ''}`,
    );
  }

  private async pruneIfDue(): Promise<void> {
    if (performance.now() - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = performance.now();
    try {
      await this.repository.pruneFlushes(LEDGER_RETENTION_MS);
      await this.repository.pruneOutcomes(OUTCOME_RETENTION_MS);
    } catch (error) {
      this.logger.warn(`Pruning the usage flush ledger failed, will retry in an hour: ${(error as Error).message}`);
    }
  }
}
