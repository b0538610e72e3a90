import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { costNanos, formatUsd, priceOf, usdToNanos } from '../catalog/prices';
import { ConsumerKeyCache } from '../consumer-keys/consumer-key-cache';
import { Coordination, PARALLEL_SLOTS_CHANNEL } from '../kernel/coordination';
import { REGISTRY_COORDINATION } from '../kernel/registry-tokens';
import type { AuthenticatedConsumer } from '../consumer-keys/consumer-key.types';
import { Admission } from './admission';
import { AllowanceRepository } from './allowance.repository';
import { KeyLimitExceededError, type KeyLimitKind } from './key-limits.errors';
import { KeyLimitMetrics } from './key-limit-metrics';
import { type AllowanceKind, secondsUntil, windowOf } from './key-limits.rules';
import type { CallActual, CallEstimate, Taken } from './key-limits.types';
import { ParallelSlotRepository } from './parallel-slot.repository';
import { ParallelSlots } from './parallel-slots';
import { WindowSlices } from './window-slices';

/** A model of unknown context that sets no max_tokens: what its output is reserved at. */
export const UNKNOWN_MAX_OUTPUT = 131_072;

/**
 * Per consumer key limits — requests and tokens per UTC minute, a USD budget per UTC day or month,
 * calls in flight — exact across every instance with no write per request: each instance leases a
 * slice of a key's window from PostgreSQL (WindowSlices) and holds parallel slots under its own name
 * with an expiry (ParallelSlots), and serves calls from them in memory. A call reserves its worst case
 * (tokens, USD) before it runs and settles to what it really used when it ends, the difference
 * returning to the local slice. Unused budget and parallel slots go back to the database at shutdown
 * (parallel slots also when the key is idle); rate windows expire, and so do the parallel slots of an
 * instance that stopped renewing them (RegistryJobs runs the heartbeat and the prune).
 */
@Injectable()
export class KeyLimitsService implements BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger(KeyLimitsService.name);
  private readonly slices: WindowSlices;
  private readonly slots: ParallelSlots;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly allowances: AllowanceRepository,
    private readonly slotRepository: ParallelSlotRepository,
    private readonly consumers: ConsumerKeyCache,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly metrics: KeyLimitMetrics,
    @Inject(REGISTRY_COORDINATION) private readonly coordination: Coordination,
  ) {
    this.slices = new WindowSlices(allowances, metrics, this.logger);
    this.slots = new ParallelSlots(slotRepository, metrics, this.logger);
  }

  /** Listens for other instances asking for idle parallel slots. Called once by ProvidersBootstrap. */
  async start(): Promise<void> {
    this.unsubscribe = await this.coordination.subscribe(PARALLEL_SLOTS_CHANNEL, (keyId) => {
      // Empty after a reconnect (what was asked meanwhile is gone): the askers try again or refuse.
      if (keyId === '') return;
      this.slots.giveBackIdle(keyId).catch((error: Error) => this.logger.warn(`Giving back idle parallel slots failed: ${error.message}`));
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Whether the key has a limit at all: unlimited keys never reach admit(). */
  limited(consumerKeyId: string | undefined): AuthenticatedConsumer | null {
    if (consumerKeyId === undefined) return null;
    const consumer = this.consumers.byId(consumerKeyId);
    if (!consumer) return null;
    const l = consumer.limits;
    return l.rpm === null && l.tpm === null && l.maxParallel === null && l.budgetUsd === null ? null : consumer;
  }

  /** The worst case of a call answered by one of `candidates`, with `inputBound` input tokens and `maxOutput` (null: the model's context). */
  estimate(candidates: ReadonlyArray<{ provider: string; model: string }>, inputBound: number, maxOutput: number | null): CallEstimate {
    let tokens = 0n;
    let usdNanos = 0n;
    for (const { provider, model } of candidates) {
      const output = BigInt(maxOutput ?? this.contextOf(provider, model) ?? UNKNOWN_MAX_OUTPUT);
      const input = BigInt(inputBound);
      if (input + output > tokens) tokens = input + output;
      const cost = costNanos(priceOf(this.catalog, provider, model), input, output);
      if (cost > usdNanos) usdNanos = cost;
    }
    return { tokens, usdNanos };
  }

  /**
   * Admits a call of `consumer` within every limit it has, reserving `estimate`; KeyLimitExceededError
   * when a limit's window (or the calls in flight) cannot cover it. Queries only when a slice runs low.
   */
  async admit(consumer: AuthenticatedConsumer, estimate: CallEstimate, now = Date.now()): Promise<Admission> {
    const taken: Partial<Record<AllowanceKind, Taken>> = {};
    /** What was reserved goes back (once): before a refusal's headers are read, and when the database failed half-way. */
    const giveBack = () => {
      for (const kind of Object.keys(taken) as AllowanceKind[]) {
        this.slices.refund(consumer.id, taken[kind]!, taken[kind]!.amount);
        delete taken[kind];
      }
    };
    const refuse = (limit: KeyLimitKind, retryAfterSeconds: number, message: string, retryable = true): never => {
      giveBack();
      this.metrics.refused(limit);
      throw new KeyLimitExceededError(limit, retryAfterSeconds, message, this.headersOf(consumer, now), retryable);
    };
    try {
      const parallel = await this.reserve(consumer, estimate, now, taken, refuse);
      return new Admission(this.headersOf(consumer, now), (actual) => this.settleTaken(consumer, taken, actual, parallel));
    } catch (error) {
      giveBack();
      throw error;
    }
  }

  /** Takes the call's worst case from each of the key's windows into `taken`, then its parallel slot; whether it holds one. */
  private async reserve(
    consumer: AuthenticatedConsumer,
    estimate: CallEstimate,
    now: number,
    taken: Partial<Record<AllowanceKind, Taken>>,
    refuse: (limit: KeyLimitKind, retryAfterSeconds: number, message: string, retryable?: boolean) => never,
  ): Promise<boolean> {
    const limits = consumer.limits;
    const wanted: Array<[AllowanceKind, bigint | null, bigint]> = [
      ['requests', limits.rpm === null ? null : BigInt(limits.rpm), 1n],
      ['tokens', limits.tpm === null ? null : BigInt(limits.tpm), estimate.tokens],
      ['usd_nanos', limits.budgetUsd === null ? null : usdToNanos(limits.budgetUsd), estimate.usdNanos],
    ];
    for (const [kind, limit, need] of wanted) {
      if (limit === null) continue;
      const window = windowOf(kind, now, limits.budgetWindow);
      const got = await this.slices.take(consumer, kind, window, limit, need);
      if (got) {
        taken[kind] = got;
        continue;
      }
      const retry = secondsUntil(window.end, now);
      if (kind === 'requests')
        refuse('requests', retry, `Rate limit reached for this key: ${limit} requests per minute. Retry after ${retry} s.`);
      // A request whose worst case is past the whole limit never fits, however long it waits: say so.
      if (kind === 'tokens' && need > limit)
        refuse(
          'tokens',
          retry,
          `Request too large for this key: it may use up to ${need} tokens (its input and max_tokens, or the model's whole output when it sets none), more than the key's ${limit} tokens per minute. Lower max_tokens or the input.`,
          false,
        );
      if (kind === 'tokens')
        refuse(
          'tokens',
          retry,
          `Rate limit reached for this key: ${limit} tokens per minute (this request may use up to ${need}). Retry after ${retry} s.`,
        );
      // A call past the whole budget never fits; one short of what is left may fit once calls in flight
      // give back the part of their reservations they did not spend.
      refuse(
        'budget',
        retry,
        need > limit
          ? `Request too costly for this key: it may cost up to ${formatUsd(need)} USD, more than the key's whole budget of ${formatUsd(limit)} USD per ${limits.budgetWindow}. Lower max_tokens or the input.`
          : `This key's budget of ${formatUsd(limit)} USD per ${limits.budgetWindow} has not enough left for this request (it may cost up to ${formatUsd(need)} USD); it renews in ${retry} s.`,
        need <= limit,
      );
    }
    if (limits.maxParallel === null) return false;
    if (!(await this.slots.acquire(consumer.id, limits.maxParallel))) {
      refuse('parallel', 1, `Too many requests in flight for this key: at most ${limits.maxParallel} at once.`);
    }
    return true;
  }

  /** Ends an admitted call: reservations back to the slices but for what it used; its parallel slot back to the pool. */
  private settleTaken(
    consumer: AuthenticatedConsumer,
    taken: Partial<Record<AllowanceKind, Taken>>,
    actual: CallActual | 'nothing' | 'unknown',
    parallel: boolean,
  ): void {
    try {
      if (actual === 'unknown') return;
      const known = actual !== 'nothing' && (actual.inputTokens !== undefined || actual.outputTokens !== undefined);
      // An answer that reported no usage keeps its reservation: never priced as zero.
      if (actual === 'nothing' || known) {
        const input = actual === 'nothing' ? 0n : BigInt(actual.inputTokens ?? 0);
        const output = actual === 'nothing' ? 0n : BigInt(actual.outputTokens ?? 0);
        if (taken.tokens) this.slices.refund(consumer.id, taken.tokens, taken.tokens.amount - (input + output));
        if (taken.usd_nanos) {
          const cost = actual === 'nothing' ? 0n : costNanos(priceOf(this.catalog, actual.provider, actual.model), input, output);
          this.slices.refund(consumer.id, taken.usd_nanos, taken.usd_nanos.amount - cost);
        }
      }
    } finally {
      // Whatever the pricing did, the slot goes back: a slot kept would refuse the key's calls for good.
      if (parallel) this.slots.release(consumer.id);
    }
  }

  /** The x-ratelimit-* headers of the key as this instance sees it (see the README). */
  headersOf(consumer: AuthenticatedConsumer, now = Date.now()): Record<string, string> {
    const headers: Record<string, string> = {};
    const put = (kind: 'requests' | 'tokens', limit: number | null) => {
      if (limit === null) return;
      const window = windowOf(kind, now);
      const current = this.slices.current(consumer.id, kind, window.start);
      const remaining = current ? BigInt(limit) - current.seen + (current.local > 0n ? current.local : 0n) : BigInt(limit);
      headers[`x-ratelimit-limit-${kind}`] = String(limit);
      headers[`x-ratelimit-remaining-${kind}`] = String(remaining < 0n ? 0n : remaining);
      headers[`x-ratelimit-reset-${kind}`] = `${secondsUntil(window.end, now)}s`;
    };
    put('requests', consumer.limits.rpm);
    put('tokens', consumer.limits.tpm);
    return headers;
  }

  /** The heartbeat (RegistryJobs): renews this instance's parallel slots while it holds any. */
  async renewParallelSlots(): Promise<void> {
    try {
      await this.slots.renew();
    } catch (error) {
      this.logger.warn(`Renewing parallel slots failed (they lapse unless a later renewal succeeds): ${(error as Error).message}`);
    }
  }

  /** The prune (RegistryJobs): windows long over and parallel slots expired; how many rows went. */
  async prune(): Promise<number> {
    try {
      const [windows, slots] = await Promise.all([this.allowances.prune(), this.slotRepository.prune()]);
      if (windows + slots > 0) this.logger.debug(`Pruned ${windows} old key allowance window(s) and ${slots} expired parallel slot row(s)`);
      return windows + slots;
    } catch (error) {
      this.logger.warn(`Pruning old key allowances failed, will retry: ${(error as Error).message}`);
      return 0;
    }
  }

  /** Gives back every unused budget slice and parallel slot, so that a stopped instance holds nothing. */
  async beforeApplicationShutdown(): Promise<void> {
    const failed = (await this.slices.giveBackAll(Date.now())) + (await this.slots.giveBackAll());
    if (failed > 0) this.logger.warn(`${failed} unused key allowances could not be given back at shutdown (they lapse with their windows)`);
  }

  private contextOf(provider: string, model: string): number | undefined {
    return this.catalog.providers.get(provider)?.textModels.find((m) => m.id === model)?.contextLength;
  }
}
