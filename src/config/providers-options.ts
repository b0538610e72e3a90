import type { Registry } from 'prom-client';
import type { Coordination } from '../database/coordination/coordination';
import { resolveKeyRing } from '../providers/credentials/key-ring.provider';
import type { ProvidersModuleOptions } from '../providers/providers.options';
import type { AppConfig } from './app-config';

/**
 * Our server as one user of ProvidersModule: its environment mapped onto the module's options.
 * `metricsRegistry`: the server's own, which its /metrics exposes (absent: prom-client's global one).
 */
export function providersOptionsFromConfig(
  config: AppConfig,
  coordination: Coordination,
  metricsRegistry?: Registry,
): ProvidersModuleOptions {
  return {
    catalog: config.CATALOG_PATH,
    keyRing: resolveKeyRing(config),
    coordination,
    usageFlushMs: config.USAGE_FLUSH_MS,
    shutdownFlushTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    healthCheckIntervalMs: config.HEALTH_CHECK_INTERVAL_MS,
    healthTimeoutMs: config.HEALTH_TIMEOUT_MS,
    healthConcurrency: config.HEALTH_CONCURRENCY,
    healthDegradedMs: config.HEALTH_DEGRADED_MS,
    healthUnhealthyAfter: config.HEALTH_UNHEALTHY_AFTER,
    healthHistoryDays: config.HEALTH_HISTORY_DAYS,
    resyncIntervalMs: config.REGISTRY_RESYNC_MS,
    passiveMinCalls: config.PASSIVE_HEALTH_MIN_CALLS,
    passiveErrorPercent: config.PASSIVE_HEALTH_ERROR_PERCENT,
    passiveWindowMs: config.PASSIVE_HEALTH_WINDOW_MS,
    passiveCooldownMs: config.PASSIVE_HEALTH_COOLDOWN_MS,
    passiveMaxCooldownMs: config.PASSIVE_HEALTH_MAX_COOLDOWN_MS,
    passiveHalfOpenCalls: config.PASSIVE_HEALTH_HALF_OPEN_CALLS,
    egress: { blockedRanges: config.EGRESS_BLOCKED_RANGES, allowedRanges: config.EGRESS_ALLOWED_RANGES },
    ...(metricsRegistry ? { metricsRegistry } : {}),
  };
}
