import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { costNanos, formatUsd, priceOf, usdToNanos } from '../catalog/prices';
import { ConsumerKeyCache } from '../consumer-keys/consumer-key-cache';
import type { AuthenticatedConsumer } from '../consumer-keys/consumer-key.types';
import { Admission } from './admission';
import { AllowanceRepository } from './allowance.repository';
import { KeyLimitExceededError, type KeyLimitKind } from './key-limits.errors';
import { KeyLimitMetrics } from './key-limit-metrics';
import { type AllowanceKind, leaseSize, secondsUntil, windowOf } from './key-limits.rules';
import type { CallActual, CallEstimate, KeyState, Slice, Taken } from './key-limits.types';
import { ParallelSlots } from './parallel-slots';

const PRUNE_EVERY_MS = 10 * 60_000;
/** A model of unknown context that sets no max_tokens: what its output is reserved at. */
export const UNKNOWN_MAX_OUTPUT = 131_072;

/**
 * Per consumer key limits — requests and tokens per UTC minute, a USD budget per UTC day or month,
 * calls in flight — exact across every instance with no write per request: each instance leases a
 * slice of a key's window from PostgreSQL (AllowanceRepository.lease, one conditional statement, so
 * the slices of all instances never add up past the limit) and serves calls from it in memory. A
 * call reserves its worst case (tokens, USD) before it runs and settles to what it really used when
 * it ends, the difference returning to the local slice. Unused budget and parallel slots go back to
 * the database at shutdown (parallel slots also when the key is idle); rate windows expire.
 */
@Injectable()
export class KeyLimitsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(KeyLimitsService.name);
  private readonly keys = new Map<string, KeyState>();
  private readonly slots: ParallelSlots;
  private lastPrune = Date.now();

  constructor(
    private readonly allowances: AllowanceRepository,
    private readonly consumers: ConsumerKeyCache,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly metrics: KeyLimitMetrics,
  ) {
    this.slots = new ParallelSlots(allowances, metrics, this.logger);
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
    const limits = consumer.limits;
    const state = this.stateOf(consumer.id);
    const taken: Partial<Record<AllowanceKind, Taken>> = {};
    const refuse = (limit: KeyLimitKind, retryAfterSeconds: number, message: string): never => {
      for (const t of Object.values(taken)) if (t) this.refund(state, t, t.amount);
      this.metrics.refused(limit);
      throw new KeyLimitExceededError(limit, retryAfterSeconds, message, this.headersOf(consumer, state, now));
    };
    const wanted: Array<[AllowanceKind, bigint | null, bigint]> = [
      ['requests', limits.rpm === null ? null : BigInt(limits.rpm), 1n],
      ['tokens', limits.tpm === null ? null : BigInt(limits.tpm), estimate.tokens],
      ['usd_nanos', limits.budgetUsd === null ? null : usdToNanos(limits.budgetUsd), estimate.usdNanos],
    ];
    for (const [kind, limit, need] of wanted) {
      if (limit === null) continue;
      const window = windowOf(kind, now, limits.budgetWindow);
      const slice = await this.take(consumer, state, kind, window.start, window.end, limit, need);
      if (slice) {
        taken[kind] = { slice, amount: need };
        continue;
      }
      const retry = secondsUntil(window.end, now);
      if (kind === 'requests')
        refuse('requests', retry, `Rate limit reached for this key: ${limit} requests per minute. Retry after ${retry} s.`);
      if (kind === 'tokens')
        refuse(
          'tokens',
          retry,
          `Rate limit reached for this key: ${limit} tokens per minute (this request may use up to ${need}). Retry after ${retry} s.`,
        );
      refuse(
        'budget',
        retry,
        `This key's budget of ${formatUsd(limit)} USD per ${limits.budgetWindow} is spent (this request may cost up to ${formatUsd(need)} USD); it renews in ${retry} s.`,
      );
    }
    let parallel = false;
    if (limits.maxParallel !== null) {
      parallel = await this.slots.acquire(consumer.id, state, limits.maxParallel);
      if (!parallel) refuse('parallel', 1, `Too many requests in flight for this key: at most ${limits.maxParallel} at once.`);
    }
    return new Admission(this.headersOf(consumer, state, now), (actual) => this.settleTaken(consumer, state, taken, actual, parallel));
  }

  /** Ends an admitted call: reservations back to the slices but for what it used; its parallel slot back to the pool. */
  settleTaken(
    consumer: AuthenticatedConsumer,
    state: KeyState,
    taken: Partial<Record<AllowanceKind, Taken>>,
    actual: CallActual | 'nothing' | 'unknown',
    parallel: boolean,
  ): void {
    if (actual !== 'unknown') {
      const known = actual !== 'nothing' && (actual.inputTokens !== undefined || actual.outputTokens !== undefined);
      // An answer that reported no usage keeps its reservation: never priced as zero.
      if (actual === 'nothing' || known) {
        const input = actual === 'nothing' ? 0n : BigInt(actual.inputTokens ?? 0);
        const output = actual === 'nothing' ? 0n : BigInt(actual.outputTokens ?? 0);
        if (taken.tokens) this.refund(state, taken.tokens, taken.tokens.amount - (input + output));
        if (taken.usd_nanos) {
          const cost = actual === 'nothing' ? 0n : costNanos(priceOf(this.catalog, actual.provider, actual.model), input, output);
          this.refund(state, taken.usd_nanos, taken.usd_nanos.amount - cost);
        }
      }
    }
    if (parallel) this.slots.release(consumer.id, state);
  }

  /** The x-ratelimit-* headers of the key as this instance sees it (see the README). */
  headersOf(consumer: AuthenticatedConsumer, state: KeyState, now: number): Record<string, string> {
    const headers: Record<string, string> = {};
    const put = (kind: 'requests' | 'tokens', limit: number | null) => {
      if (limit === null) return;
      const window = windowOf(kind, now);
      const slice = state.slices.get(kind);
      const current = slice && slice.windowStart === window.start ? slice : null;
      const remaining = current ? BigInt(limit) - current.seen + (current.local > 0n ? current.local : 0n) : BigInt(limit);
      headers[`x-ratelimit-limit-${kind}`] = String(limit);
      headers[`x-ratelimit-remaining-${kind}`] = String(remaining < 0n ? 0n : remaining);
      headers[`x-ratelimit-reset-${kind}`] = `${secondsUntil(window.end, now)}s`;
    };
    put('requests', consumer.limits.rpm);
    put('tokens', consumer.limits.tpm);
    return headers;
  }

  /** Gives back every unused budget slice and parallel slot, so that a stopped instance holds nothing. */
  async beforeApplicationShutdown(): Promise<void> {
    const now = Date.now();
    const work: Promise<void>[] = [];
    for (const [keyId, state] of this.keys) {
      for (const slice of state.slices.values()) {
        if (slice.local > 0n && slice.windowEnd > now) {
          const amount = slice.local;
          slice.local = 0n;
          work.push(this.allowances.giveBack(keyId, slice.kind, slice.windowStart, amount));
        }
      }
      work.push(this.slots.returnFree(keyId, state));
    }
    const results = await Promise.allSettled(work);
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed > 0) this.logger.warn(`${failed} unused key allowances could not be given back at shutdown (they lapse with their windows)`);
  }

  private stateOf(keyId: string): KeyState {
    let state = this.keys.get(keyId);
    if (!state) {
      state = { slices: new Map(), parallel: { free: 0, inFlight: 0, leasing: null, idleTimer: null }, warnedWindow: null };
      this.keys.set(keyId, state);
    }
    return state;
  }

  private sliceOf(state: KeyState, kind: AllowanceKind, windowStart: number, windowEnd: number): Slice {
    let slice = state.slices.get(kind);
    // A new window: the old slice lapses with its window (nothing of it can be used any more).
    if (!slice || slice.windowStart !== windowStart) {
      slice = { kind, windowStart, windowEnd, local: 0n, seen: 0n, leasing: null };
      state.slices.set(kind, slice);
    }
    return slice;
  }

  /** Takes `need` from the key's slice of the window, leasing more while the window has any; null when it cannot. */
  private async take(
    consumer: AuthenticatedConsumer,
    state: KeyState,
    kind: AllowanceKind,
    windowStart: number,
    windowEnd: number,
    limit: bigint,
    need: bigint,
  ): Promise<Slice | null> {
    if (need > limit) return null; // never fits, whatever is left
    const slice = this.sliceOf(state, kind, windowStart, windowEnd);
    for (;;) {
      if (slice.local >= need) {
        slice.local -= need;
        return slice;
      }
      // Too little left, as of the last lease, for this call: no query (until the window turns, or a smaller call).
      if (limit - slice.seen < need - slice.local) return null;
      if (slice.leasing) {
        await slice.leasing;
        continue;
      }
      slice.leasing = this.lease(consumer, state, slice, limit, need - slice.local).finally(() => (slice.leasing = null));
      await slice.leasing;
    }
  }

  private async lease(consumer: AuthenticatedConsumer, state: KeyState, slice: Slice, limit: bigint, need: bigint): Promise<void> {
    const want = leaseSize(limit, slice.seen, need);
    const lease = await this.allowances.lease(consumer.id, slice.kind, slice.windowStart, want, limit, need);
    this.metrics.leased(slice.kind);
    slice.local += lease.granted;
    // Refused: less than `need` was left, so at least limit − need + 1 is out.
    slice.seen = lease.granted === 0n ? (limit - need + 1n > slice.seen ? limit - need + 1n : slice.seen) : lease.total;
    if (lease.granted === 0n && slice.local > 0n) {
      // Too little left here and in the window for this call: the remainder goes back, so that it can
      // add up with others' in the database for a call that fits, instead of idling in this instance.
      const fragment = slice.local;
      slice.local = 0n;
      slice.seen -= fragment;
      await this.allowances
        .giveBack(consumer.id, slice.kind, slice.windowStart, fragment)
        .catch((error: Error) => this.logger.warn(`Giving back a key allowance failed: ${error.message}`));
    }
    if (slice.kind === 'usd_nanos') this.maybeWarn(consumer, state, slice, limit);
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      this.allowances.prune().catch((error: Error) => this.logger.warn(`Pruning old key allowances failed: ${error.message}`));
    }
  }

  /** The budget's warning, once per window across instances: when what was leased reached the warning share. */
  private maybeWarn(consumer: AuthenticatedConsumer, state: KeyState, slice: Slice, limit: bigint): void {
    const ratio = consumer.limits.budgetWarnRatio;
    if (ratio === null || state.warnedWindow === slice.windowStart) return;
    const warnAt = (limit * BigInt(Math.round(ratio * 1_000_000))) / 1_000_000n;
    if (slice.seen < warnAt) return;
    state.warnedWindow = slice.windowStart;
    this.allowances
      .claimWarning(consumer.id, slice.windowStart)
      .then((claimed) => {
        if (!claimed) return;
        this.metrics.budgetWarned(consumer.name);
        this.logger.warn(
          `Budget of consumer key ${consumer.name} at ${Math.round(ratio * 100)} % or more: ${formatUsd(slice.seen)} of ${formatUsd(limit)} USD this ${consumer.limits.budgetWindow} reserved or spent`,
        );
      })
      .catch((error: Error) => {
        state.warnedWindow = null;
        this.logger.warn(`Could not claim the budget warning of ${consumer.name}: ${error.message}`);
      });
  }

  /** Back to the slice it was taken from (negative: more was used than reserved), if its window is still the key's current one. */
  private refund(state: KeyState, taken: Taken, amount: bigint): void {
    if (amount === 0n) return;
    if (state.slices.get(taken.slice.kind) === taken.slice) taken.slice.local += amount;
  }

  private contextOf(provider: string, model: string): number | undefined {
    return this.catalog.providers.get(provider)?.textModels.find((m) => m.id === model)?.contextLength;
  }
}
