import type { Registry } from 'prom-client';
import type { Coordination } from '../registry/kernel/coordination';
import { type KeyRingSource, resolveKeyRing } from '../registry/key-ring/key-ring.provider';
import type { ProvidersModuleOptions } from '../registry/providers.options';
import type { RegistrySettings } from '../registry/kernel/registry-settings';
import { type AppConfig, TUNABLE_VARIABLES } from './app-config';

/** Where the key ring comes from, by our environment: the configured keys, or one generated for the embedded folder. */
export function keyRingSourceOf(config: AppConfig): KeyRingSource {
  return { keys: config.CREDENTIALS_KEYS, key: config.CREDENTIALS_KEY, dataDir: config.DATA_DIR, generateIfMissing: config.embedded };
}

/**
 * Our server as one user of ProvidersModule: its environment mapped onto the module's options.
 * `metricsRegistry`: the server's own, which its /metrics exposes (absent: prom-client's global one).
 */
export function providersOptionsFromConfig(
  config: AppConfig,
  coordination: Coordination,
  metricsRegistry?: Registry,
): ProvidersModuleOptions {
  const settings: Partial<RegistrySettings> = {};
  for (const { option, variable } of TUNABLE_VARIABLES) settings[option] = config[variable];
  return {
    catalog: config.CATALOG_PATH,
    keyRing: resolveKeyRing(keyRingSourceOf(config)),
    coordination,
    ...settings,
    egress: { blockedRanges: config.EGRESS_BLOCKED_RANGES, allowedRanges: config.EGRESS_ALLOWED_RANGES },
    ...(metricsRegistry ? { metricsRegistry } : {}),
    ...(config.OTEL_EXPORTER_OTLP_ENDPOINT ? { tracing: { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT } } : {}),
  };
}
