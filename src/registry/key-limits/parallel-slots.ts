import { Logger } from '@nestjs/common';
import { AllowanceRepository } from './allowance.repository';
import { KeyLimitMetrics } from './key-limit-metrics';
import { parallelLeaseSize } from './key-limits.rules';
import type { KeyState } from './key-limits.types';

/** How long a key's free parallel slots stay leased after its last call ended. */
const PARALLEL_IDLE_MS = 500;

/**
 * A key's calls in flight across instances (max_parallel): slots leased from the database's
 * non-windowed `parallel` row like any allowance, taken and given back in memory per call, and
 * returned to the database when the key has been idle a moment or the instance stops.
 */
export class ParallelSlots {
  constructor(
    private readonly allowances: AllowanceRepository,
    private readonly metrics: KeyLimitMetrics,
    private readonly logger: Logger,
  ) {}

  async acquire(keyId: string, state: KeyState, limit: number): Promise<boolean> {
    const slots = state.parallel;
    for (;;) {
      if (slots.free > 0) {
        slots.free--;
        slots.inFlight++;
        if (slots.idleTimer) clearTimeout(slots.idleTimer);
        slots.idleTimer = null;
        return true;
      }
      if (slots.leasing) {
        await slots.leasing;
        continue;
      }
      let granted = 0n;
      slots.leasing = this.allowances
        .lease(keyId, 'parallel', 0, BigInt(parallelLeaseSize(limit)), BigInt(limit))
        .then((lease) => {
          this.metrics.leased('parallel');
          granted = lease.granted;
          slots.free += Number(lease.granted);
        })
        .finally(() => (slots.leasing = null));
      await slots.leasing;
      if (granted === 0n) return false;
    }
  }

  release(keyId: string, state: KeyState): void {
    const slots = state.parallel;
    slots.inFlight--;
    slots.free++;
    if (slots.inFlight === 0 && !slots.idleTimer) {
      slots.idleTimer = setTimeout(() => {
        slots.idleTimer = null;
        if (slots.inFlight === 0)
          void this.returnFree(keyId, state).catch((error: Error) => this.logger.warn(`Returning parallel slots failed: ${error.message}`));
      }, PARALLEL_IDLE_MS);
      slots.idleTimer.unref();
    }
  }

  async returnFree(keyId: string, state: KeyState): Promise<void> {
    const slots = state.parallel;
    if (slots.idleTimer) clearTimeout(slots.idleTimer);
    slots.idleTimer = null;
    const free = slots.free;
    if (free === 0) return;
    slots.free = 0;
    await this.allowances.giveBack(keyId, 'parallel', 0, BigInt(free));
  }
}
