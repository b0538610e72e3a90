import type { Logger } from '@nestjs/common';
import { formatUsd } from '../catalog/prices';
import type { AuthenticatedConsumer } from '../consumer-keys/consumer-key.types';
import { AllowanceRepository } from './allowance.repository';
import { KeyLimitMetrics } from './key-limit-metrics';
import { type AllowanceKind, type AllowanceWindow, leaseSize } from './key-limits.rules';
import type { KeyState, Slice, Taken } from './key-limits.types';

/**
 * The windowed limits of every key (requests, tokens, USD) as this instance holds them: a slice of
 * each key's window leased from the database (AllowanceRepository.lease, one conditional statement,
 * so the slices of all instances never add up past the limit), taken from in memory by each call and
 * leased again when it runs low.
 */
export class WindowSlices {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly allowances: AllowanceRepository,
    private readonly metrics: KeyLimitMetrics,
    private readonly logger: Logger,
  ) {}

  /** The key's slice of `kind` in the window starting at `windowStart`, if this instance has one. */
  current(keyId: string, kind: AllowanceKind, windowStart: number): Slice | null {
    const slice = this.keys.get(keyId)?.slices.get(kind);
    return slice && slice.windowStart === windowStart ? slice : null;
  }

  /** Takes `need` from the key's slice of the window, leasing more while the window has any; null when it cannot. */
  async take(
    consumer: AuthenticatedConsumer,
    kind: AllowanceKind,
    window: AllowanceWindow,
    limit: bigint,
    need: bigint,
  ): Promise<Taken | null> {
    if (need > limit) return null; // never fits, whatever is left
    const state = this.stateOf(consumer.id);
    const slice = this.sliceOf(state, kind, window);
    for (;;) {
      if (slice.local >= need) {
        slice.local -= need;
        return { slice, amount: need };
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

  /** Back to the slice it was taken from (negative: more was used than reserved), if its window is still the key's current one. */
  refund(keyId: string, taken: Taken, amount: bigint): void {
    if (amount === 0n) return;
    if (this.keys.get(keyId)?.slices.get(taken.slice.kind) === taken.slice) taken.slice.local += amount;
  }

  /** Gives back every unused slice of a window not over yet, so that a stopped instance holds nothing; how many could not be. */
  async giveBackAll(now: number): Promise<number> {
    const work: Promise<void>[] = [];
    for (const [keyId, state] of this.keys) {
      for (const slice of state.slices.values()) {
        if (slice.local > 0n && slice.windowEnd > now) {
          const amount = slice.local;
          slice.local = 0n;
          work.push(this.allowances.giveBack(keyId, slice.kind, slice.windowStart, amount));
        }
      }
    }
    const results = await Promise.allSettled(work);
    return results.filter((r) => r.status === 'rejected').length;
  }

  private stateOf(keyId: string): KeyState {
    let state = this.keys.get(keyId);
    if (!state) {
      state = { slices: new Map(), warnedWindow: null };
      this.keys.set(keyId, state);
    }
    return state;
  }

  private sliceOf(state: KeyState, kind: AllowanceKind, window: AllowanceWindow): Slice {
    let slice = state.slices.get(kind);
    // A new window: the old slice lapses with its window (nothing of it can be used any more).
    if (!slice || slice.windowStart !== window.start) {
      slice = { kind, windowStart: window.start, windowEnd: window.end, local: 0n, seen: 0n, leasing: null };
      state.slices.set(kind, slice);
    }
    return slice;
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
}
