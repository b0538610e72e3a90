import { SchedulerRegistry } from '@nestjs/schedule';
import type { ConsumerKeyCache } from '../consumer-keys/consumer-key-cache';
import type { HealthScheduler } from '../health/active/health-scheduler.service';
import type { KeyLimitsService } from '../key-limits/key-limits.service';
import { DEFAULT_REGISTRY_SETTINGS, RegistrySettings } from '../kernel/registry-settings';
import type { RegistryStateService } from '../snapshot/registry-state.service';
import type { UsageFlusher } from '../usage/usage-flusher.service';
import type { RequestLogService } from '../request-log/request-log.service';
import type { RequestLogWriter } from '../request-log/request-log-writer.service';
import { REGISTRY_JOBS, RegistryJobs } from './registry-jobs';

describe(RegistryJobs.name, () => {
  let scheduler: SchedulerRegistry;
  let delays: number[];
  const health = { beginSchedule: jest.fn(() => true), nextTickDelayMs: jest.fn(() => 1000), tick: jest.fn(async () => true) };
  const flusher = { nextFlushDelayMs: jest.fn(() => delays.shift() ?? 100), flushOnSchedule: jest.fn(async () => undefined) };
  const state = { resync: jest.fn(async () => undefined) };
  const consumerKeys = { resync: jest.fn(async () => undefined) };
  const requestLog = { nextFlushDelayMs: jest.fn(() => 100), flushOnSchedule: jest.fn(async () => undefined) };
  const requestLogPruner = { prune: jest.fn(async () => 0) };
  const keyLimits = { renewParallelSlots: jest.fn(async () => undefined), prune: jest.fn(async () => 0) };

  function jobs(settings: Partial<RegistrySettings> = {}): RegistryJobs {
    return new RegistryJobs(
      { ...DEFAULT_REGISTRY_SETTINGS, resyncIntervalMs: 5000, ...settings },
      scheduler,
      health as unknown as HealthScheduler,
      flusher as unknown as UsageFlusher,
      state as unknown as RegistryStateService,
      consumerKeys as unknown as ConsumerKeyCache,
      requestLog as unknown as RequestLogWriter,
      requestLogPruner as unknown as RequestLogService,
      keyLimits as unknown as KeyLimitsService,
    );
  }

  beforeEach(() => {
    jest.useFakeTimers();
    jest.clearAllMocks();
    scheduler = new SchedulerRegistry();
    delays = [];
  });

  afterEach(() => jest.useRealTimers());

  it('the request log: a flush every USAGE_FLUSH_MS and an hourly prune, both gone at shutdown', async () => {
    const j = jobs();
    j.startRequestLog();
    expect(scheduler.getTimeouts()).toEqual([REGISTRY_JOBS.requestLogFlush]);
    expect(scheduler.getIntervals()).toEqual([REGISTRY_JOBS.requestLogPrune]);
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(requestLog.flushOnSchedule).toHaveBeenCalledTimes(36_000);
    expect(requestLogPruner.prune).toHaveBeenCalledTimes(1);
    j.onModuleDestroy();
    j.beforeApplicationShutdown();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('key limits: a parallel slots heartbeat every 5 s after the last one settled and a prune every 10 minutes, both gone at shutdown', async () => {
    let settle: () => void = () => undefined;
    keyLimits.renewParallelSlots.mockImplementationOnce(() => new Promise<undefined>((resolve) => (settle = () => resolve(undefined))));
    const j = jobs();
    j.startKeyLimits();
    expect(scheduler.getTimeouts()).toEqual([REGISTRY_JOBS.parallelSlotsHeartbeat]);
    expect(scheduler.getIntervals()).toEqual([REGISTRY_JOBS.keyLimitsPrune]);
    await jest.advanceTimersByTimeAsync(20_000);
    expect(keyLimits.renewParallelSlots).toHaveBeenCalledTimes(1); // still running: no second heartbeat over it
    settle();
    await jest.advanceTimersByTimeAsync(600_000 - 20_000);
    expect(keyLimits.renewParallelSlots).toHaveBeenCalledTimes(1 + 116);
    expect(keyLimits.prune).toHaveBeenCalledTimes(1);
    j.onModuleDestroy();
    j.beforeApplicationShutdown();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('registers every timer by name, each calling its service, and removes them at shutdown', async () => {
    const j = jobs();
    j.startUsageFlush();
    j.startSnapshotResync();
    j.startConsumerKeyResync();
    j.startHealthSweep();
    expect(scheduler.getTimeouts().sort()).toEqual([REGISTRY_JOBS.healthSweep, REGISTRY_JOBS.usageFlush].sort());
    expect(scheduler.getIntervals()).toEqual([REGISTRY_JOBS.snapshotResync, REGISTRY_JOBS.consumerKeyResync]);

    await jest.advanceTimersByTimeAsync(0);
    expect(health.tick).toHaveBeenCalledTimes(1); // the first sweep at once
    await jest.advanceTimersByTimeAsync(5000);
    expect(health.tick).toHaveBeenCalledTimes(6);
    expect(flusher.flushOnSchedule).toHaveBeenCalledTimes(50);
    expect(state.resync).toHaveBeenCalledTimes(1);
    expect(consumerKeys.resync).toHaveBeenCalledTimes(1);

    j.onModuleDestroy();
    expect(scheduler.getIntervals()).toEqual([]);
    j.beforeApplicationShutdown();
    expect(scheduler.getTimeouts()).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('plans the next flush only after one settled, with the delay the flusher asks for then', async () => {
    let settle: () => void = () => undefined;
    flusher.flushOnSchedule.mockImplementationOnce(() => new Promise<undefined>((resolve) => (settle = () => resolve(undefined))));
    delays = [100, 400];
    const j = jobs();
    j.startUsageFlush();
    await jest.advanceTimersByTimeAsync(1000);
    expect(flusher.flushOnSchedule).toHaveBeenCalledTimes(1); // still running: nothing planned
    expect(scheduler.getTimeouts()).toEqual([]);
    settle();
    await jest.advanceTimersByTimeAsync(399);
    expect(flusher.flushOnSchedule).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(flusher.flushOnSchedule).toHaveBeenCalledTimes(2);
    j.beforeApplicationShutdown();
  });

  it('plans no flush after shutdown, even when one was in flight', async () => {
    let settle: () => void = () => undefined;
    flusher.flushOnSchedule.mockImplementationOnce(() => new Promise<undefined>((resolve) => (settle = () => resolve(undefined))));
    const j = jobs();
    j.startUsageFlush();
    await jest.advanceTimersByTimeAsync(100);
    j.beforeApplicationShutdown();
    settle();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(flusher.flushOnSchedule).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('starts no resync at REGISTRY_RESYNC_MS=0 and no sweep when the scheduler says health checks are off', () => {
    health.beginSchedule.mockReturnValueOnce(false);
    const j = jobs({ resyncIntervalMs: 0 });
    j.startSnapshotResync();
    j.startConsumerKeyResync();
    j.startHealthSweep();
    expect(scheduler.getIntervals()).toEqual([]);
    expect(scheduler.getTimeouts()).toEqual([]);
  });
});
