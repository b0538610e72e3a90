import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import { KeyLimitMetrics } from './key-limit-metrics';
import { PARALLEL_SLOT_TTL_MS, parallelWant, slotsUsable } from './key-limits.rules';
import type { HeldSlots, SlotTake } from './key-limits.types';
import { ParallelSlotRepository } from './parallel-slot.repository';

/** How long a key's free parallel slots stay held after its last call ended. */
const PARALLEL_IDLE_MS = 500;

/**
 * The pauses of a call refused while other instances hold slots, before each new try (they were asked
 * for their idle ones): long enough for a notification and a give-back on a busy machine, short enough
 * that a key really at its limit is refused within half a second.
 */
const IDLE_SLOT_WAITS_MS = [20, 60, 150, 250];

/**
 * Every key's calls in flight on this instance (max_parallel): slots held in the database under this
 * instance's own holder id, with an expiry the heartbeat renews (renew()) while it holds any, so the
 * slots of an instance that died come back once its rows expire. Calls take and give back slots in
 * memory; the database is asked only when none is free, and told when the key has been idle a moment
 * or the instance stops. What this instance believes it holds is never more than the database counts:
 * it is lowered before a give-back is sent, set from what each write answers, and dropped when a
 * renewal finds the slots lapsed.
 */
export class ParallelSlots {
  /** This instance's rows: a new id per start, so a restarted instance never inherits a dead one's slots. */
  readonly holder = randomUUID();
  private readonly keys = new Map<string, HeldSlots>();

  constructor(
    private readonly repository: ParallelSlotRepository,
    private readonly metrics: KeyLimitMetrics,
    private readonly logger: Logger,
  ) {}

  /**
   * A slot for one more call of the key, taking more from the database when none is free here; false
   * when the key is at its limit. Refused while other instances hold slots, it asks them for their
   * idle ones and tries again a few times, briefly: an instance keeps the slots it took while its
   * calls go on, so without that a busy key spread over instances could be refused below its limit.
   */
  async acquire(keyId: string, limit: number): Promise<boolean> {
    const key = this.stateOf(keyId);
    for (let retry = 0; ;) {
      if (key.held > key.inFlight && slotsUsable(key.writtenAt, Date.now())) {
        key.inFlight++;
        if (key.idleTimer) clearTimeout(key.idleTimer);
        key.idleTimer = null;
        return true;
      }
      if (!key.taking) key.taking = this.take(keyId, key, limit).finally(() => (key.taking = null));
      const { free, othersHold } = await key.taking;
      if (free) continue;
      // Nothing free after a take (this caller's or one it waited for), nor with the others: the key is at its limit now.
      if (!othersHold || retry === IDLE_SLOT_WAITS_MS.length) return false;
      key.waiting++;
      try {
        if (retry === 0 && Date.now() - key.askedAt >= IDLE_SLOT_WAITS_MS[0]) {
          // Once for the callers refused together: one notification reaches every instance.
          key.askedAt = Date.now();
          await this.repository.askForIdleSlots(keyId);
        }
        await sleep(IDLE_SLOT_WAITS_MS[retry++]);
      } finally {
        key.waiting--;
      }
    }
  }

  /**
   * An instance was refused a slot of the key: the slots this one holds and does not use go back,
   * unless its own calls wait for slots (the asker hears its own notification too).
   */
  giveBackIdle(keyId: string): Promise<void> {
    const key = this.keys.get(keyId);
    if (!key || key.waiting > 0 || key.held <= key.inFlight) return Promise.resolve();
    return this.giveBackFree(keyId, key);
  }

  release(keyId: string): void {
    const key = this.stateOf(keyId);
    key.inFlight--;
    if (key.inFlight === 0 && !key.idleTimer) {
      key.idleTimer = setTimeout(() => {
        key.idleTimer = null;
        this.giveBackFree(keyId, key).catch((error: Error) => this.logger.warn(`Giving back parallel slots failed: ${error.message}`));
      }, PARALLEL_IDLE_MS);
      key.idleTimer.unref();
    }
  }

  /**
   * The heartbeat: extends this instance's live rows. A key whose row had already expired lost its
   * slots (other instances may have them now): they are forgotten here, and taken again as calls need them.
   */
  async renew(): Promise<void> {
    const holding = [...this.keys].filter(([, key]) => key.held > 0);
    if (holding.length === 0) return;
    const sentAt = Date.now();
    const renewed = new Set(await this.repository.renew(this.holder, PARALLEL_SLOT_TTL_MS));
    for (const [keyId, key] of holding) {
      if (renewed.has(keyId)) key.writtenAt = Math.max(key.writtenAt, sentAt);
      // A take written since carries its own answer; only an older state can be stale.
      else if (key.writtenAt < sentAt && key.held > 0) {
        key.held = 0;
        this.logger.warn(`Parallel slots of consumer key ${keyId} had lapsed before their renewal: taken again as its calls need them`);
      }
    }
  }

  /** At shutdown: every slot not in use goes back (those in use lapse with their rows once this instance is gone). */
  async giveBackAll(): Promise<number> {
    const results = await Promise.allSettled([...this.keys].map(([keyId, key]) => this.giveBackFree(keyId, key)));
    return results.filter((r) => r.status === 'rejected').length;
  }

  private stateOf(keyId: string): HeldSlots {
    let key = this.keys.get(keyId);
    if (!key) {
      key = {
        held: 0,
        inFlight: 0,
        writtenAt: 0,
        taking: null,
        writes: Promise.resolve(),
        idleTimer: null,
        askedAt: -Infinity,
        waiting: 0,
      };
      this.keys.set(keyId, key);
    }
    return key;
  }

  /** Runs the key's writes one after another, so each starts from what the previous one answered. */
  private serially<T>(key: HeldSlots, write: () => Promise<T>): Promise<T> {
    const next = key.writes.then(write);
    key.writes = next.catch(() => undefined);
    return next;
  }

  /** Takes more slots for the key; whether one is free after, and whether other instances hold any. */
  private take(keyId: string, key: HeldSlots, limit: number): Promise<SlotTake> {
    return this.serially(key, async () => {
      const writtenAt = Date.now();
      const { slots, others } = await this.repository.take(
        keyId,
        this.holder,
        parallelWant(limit, key.held, key.inFlight),
        limit,
        PARALLEL_SLOT_TTL_MS,
      );
      key.held = slots;
      key.writtenAt = writtenAt;
      this.metrics.leased('parallel');
      return { free: key.held > key.inFlight, othersHold: others > 0 };
    });
  }

  /** Gives back the key's slots not in use when the write runs (calls may have started or ended since it was asked for). */
  private giveBackFree(keyId: string, key: HeldSlots): Promise<void> {
    return this.serially(key, async () => {
      const keep = key.inFlight;
      if (key.held <= keep) return;
      key.held = keep; // lowered before the statement: never above what the database counts
      const left = await this.repository.giveBack(keyId, this.holder, keep);
      key.held = Math.min(key.held, left);
    });
  }
}
