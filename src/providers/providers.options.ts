import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { DomainError } from '../common/domain-error';
import type { Coordination } from '../database/coordination/coordination';
import type { Catalog } from './catalog/catalog.types';
import type { KeyRing, KeyRingSpec } from './credentials/key-ring';
import type { EgressOptions } from './health/egress-policy';

/**
 * The tunables of the registry's background work. A host app sets any of them in
 * ProvidersModule.forRoot(); our server maps its environment variables onto them (app.module.ts).
 */
export interface RegistrySettings {
  /** Usage counters are written at this interval and at shutdown. */
  usageFlushMs: number;
  /** How long the final usage flush at shutdown keeps retrying before it gives up (and says so). */
  shutdownFlushTimeoutMs: number;
  /** Health sweep interval; 0 turns the schedule off. */
  healthCheckIntervalMs: number;
  healthTimeoutMs: number;
  healthConcurrency: number;
  /** A successful probe slower than this is `degraded`. */
  healthDegradedMs: number;
  /** Transient probe failures in a row before `unhealthy`. */
  healthUnhealthyAfter: number;
  healthHistoryDays: number;
  /** Full reload of the in-memory snapshot, repairing any missed change notification; 0 turns it off. */
  resyncIntervalMs: number;
  /**
   * How long one attempt of a call through RegistryModels may take before the next candidate is
   * tried: the whole answer of a generate or embed call, the wait for the first output of a stream.
   */
  callTimeoutMs: number;
  /** Passive health: calls a window needs before it can trip the provider's circuit; 0 turns passive health off. */
  passiveMinCalls: number;
  /** Passive health: the share of failed calls in the window, in percent, that trips the circuit. */
  passiveErrorPercent: number;
  /** Passive health: how far back outcomes count. */
  passiveWindowMs: number;
  /** Passive health: the first cooldown of a tripped circuit; each trip in a row doubles it, up to passiveMaxCooldownMs. */
  passiveCooldownMs: number;
  passiveMaxCooldownMs: number;
  /** Passive health: trial calls each instance lets through a half-open circuit; that many successes close it. */
  passiveHalfOpenCalls: number;
}

export const DEFAULT_REGISTRY_SETTINGS: Readonly<RegistrySettings> = Object.freeze({
  usageFlushMs: 1000,
  shutdownFlushTimeoutMs: 10_000,
  healthCheckIntervalMs: 300_000,
  healthTimeoutMs: 5000,
  healthConcurrency: 8,
  healthDegradedMs: 3000,
  healthUnhealthyAfter: 2,
  healthHistoryDays: 30,
  resyncIntervalMs: 60_000,
  callTimeoutMs: 60_000,
  passiveMinCalls: 20,
  passiveErrorPercent: 50,
  passiveWindowMs: 60_000,
  passiveCooldownMs: 30_000,
  passiveMaxCooldownMs: 600_000,
  passiveHalfOpenCalls: 3,
});

export interface ProvidersModuleOptions extends Partial<RegistrySettings> {
  /** The catalog: a YAML file's path, or a catalog already loaded (loadCatalog / parseCatalog). */
  catalog: string | Catalog;
  /** The key ring that encrypts credentials: a KeyRing, or `{ keys: 'id:base64,…' }` / `{ key: 'base64' }`. */
  keyRing: KeyRing | KeyRingSpec;
  /**
   * Locks across instances and change notifications. Default: PostgreSQL advisory locks and LISTEN
   * on connections of their own, to `directUrl` or else to the data source's own connection settings.
   */
  coordination?: Coordination;
  /** A direct (unpooled) PostgreSQL URL for LISTEN and advisory locks, when the data source goes through a pooler. */
  directUrl?: string;
  /**
   * Where health probes (which send API keys) may connect, checked on every resolved address. Built in:
   * link-local and cloud metadata addresses are refused; loopback and private ranges are allowed
   * (self-hosted Ollama). `blockedRanges` adds ranges, `allowedRanges` makes exceptions.
   */
  egress?: EgressOptions;
  /**
   * Where the registry's Prometheus metrics are recorded (health, probes, sweeps, selections, usage,
   * snapshot, listener): the host's /metrics exposes them. Default: prom-client's global registry.
   */
  metricsRegistry?: Registry;
}

export interface ProvidersModuleAsyncOptions {
  /** Name of the TypeORM data source to use (TypeOrmModule.forRoot({ name })); the default one when absent. */
  dataSource?: string;
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  // Nest calls it with whatever `inject` resolves to, so its parameters cannot be typed here (as in TypeOrmModule's own).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...args: any[]) => ProvidersModuleOptions | Promise<ProvidersModuleOptions>;
}

export type ProvidersModuleSyncOptions = ProvidersModuleOptions & { dataSource?: string };

/** Injection tokens of what forRoot() resolves once. */
export const PROVIDERS_OPTIONS = Symbol('ProvidersModuleOptions');
export const REGISTRY_SETTINGS = Symbol('RegistrySettings');
export const REGISTRY_DATA_SOURCE = Symbol('RegistryDataSource');
/** The module's own handle: a host's COORDINATION token (if it has one) is only an input to the options. */
export const REGISTRY_COORDINATION = Symbol('RegistryCoordination');

export class InvalidModuleOptionError extends DomainError {
  readonly code = 'INVALID_MODULE_OPTION';
  readonly kind = 'misconfigured';
  constructor(option: string, rule: string) {
    super(`ProvidersModule option ${option} ${rule}`);
  }
}

const MAX_TIMER_MS = 2_147_483_647;
const RULES: Record<keyof RegistrySettings, { min: number; max: number; zeroOff?: boolean }> = {
  usageFlushMs: { min: 10, max: MAX_TIMER_MS },
  shutdownFlushTimeoutMs: { min: 100, max: MAX_TIMER_MS },
  healthCheckIntervalMs: { min: 1000, max: MAX_TIMER_MS, zeroOff: true },
  healthTimeoutMs: { min: 1, max: MAX_TIMER_MS },
  healthConcurrency: { min: 1, max: 256 },
  healthDegradedMs: { min: 1, max: MAX_TIMER_MS },
  healthUnhealthyAfter: { min: 1, max: 1000 },
  healthHistoryDays: { min: 1, max: 36_500 },
  resyncIntervalMs: { min: 1000, max: MAX_TIMER_MS, zeroOff: true },
  callTimeoutMs: { min: 1, max: MAX_TIMER_MS },
  passiveMinCalls: { min: 1, max: 1_000_000, zeroOff: true },
  passiveErrorPercent: { min: 1, max: 100 },
  // Outcomes are kept in 10-second buckets: a shorter window or cooldown could not be told apart.
  passiveWindowMs: { min: 10_000, max: 86_400_000 },
  passiveCooldownMs: { min: 10_000, max: MAX_TIMER_MS },
  passiveMaxCooldownMs: { min: 10_000, max: MAX_TIMER_MS },
  passiveHalfOpenCalls: { min: 1, max: 1000 },
};

/** Host-given settings are checked like our environment is: one error naming the option and the rule. */
export function resolveRegistrySettings(options: Partial<RegistrySettings>): RegistrySettings {
  const settings = { ...DEFAULT_REGISTRY_SETTINGS };
  for (const key of Object.keys(RULES) as (keyof RegistrySettings)[]) {
    const value = options[key];
    if (value === undefined) continue;
    const { min, max, zeroOff } = RULES[key];
    const ok = Number.isSafeInteger(value) && ((zeroOff && value === 0) || (value >= min && value <= max));
    if (!ok) throw new InvalidModuleOptionError(key, `must be an integer between ${min} and ${max}${zeroOff ? ' (or 0 for off)' : ''}`);
    settings[key] = value;
  }
  return settings;
}
