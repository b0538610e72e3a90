import { DomainError } from '../../common/domain-error';

/**
 * The tunables of the registry's background work. A host app sets any of them in
 * ProvidersModule.forRoot(); our server maps its environment variables onto them
 * (src/config/providers-options.ts). Defaults and bounds: REGISTRY_TUNABLES below.
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
  /** Days of the gateway's request log kept; older rows are pruned in batches. */
  requestLogDays: number;
  /** Full reload of the in-memory snapshot and the consumer keys, repairing any missed change notification; 0 turns it off. */
  resyncIntervalMs: number;
  /**
   * How long one attempt of a call through RegistryModels may take before the next candidate is
   * tried: the whole answer of a generate or embed call, the wait for the first output of a stream.
   */
  callTimeoutMs: number;
  /**
   * Once a stream through the gateway has begun: the longest wait for its next
   * chunk. Longer, and the stream is cut and counted as the provider's timeout.
   */
  streamIdleTimeoutMs: number;
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

export class InvalidModuleOptionError extends DomainError {
  readonly code = 'INVALID_MODULE_OPTION';
  readonly kind = 'misconfigured';
  constructor(option: string, rule: string) {
    super(`ProvidersModule option ${option} ${rule}`);
  }
}

/** Node clamps longer timers to 1 ms, which would turn a long interval into a busy loop. */
const MAX_TIMER_MS = 2_147_483_647;
// Outcomes are kept in 10-second buckets: a shorter window or cooldown could not be told apart.
const BUCKETS = 'outcomes are kept in 10-second buckets';

/** One tunable: its default and bounds, what it counts, and the environment variable our server sets it from. */
export interface Tunable {
  /** The variable of the server's environment (src/config) that sets it; absent: only a host's options set it. */
  readonly env?: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** What the number counts, for the messages: `ms`, `days`, `calls`, `percent`; absent: a plain integer. */
  readonly unit?: 'ms' | 'days' | 'calls' | 'percent';
  /** 0 is accepted too and turns this off (named in the message, e.g. `the schedule`). */
  readonly off?: string;
  /** Why the minimum is what it is, said when a value is below it. */
  readonly minWhy?: string;
  /** Why the maximum is what it is, said when a value is above it (timers: the longest Node supports). */
  readonly maxWhy?: string;
}

/**
 * The one table of the registry's tunables: default, bounds and message of each. The module checks
 * a host's options against it (resolveRegistrySettings) and our server's environment schema is
 * derived from it (src/config/app-config.ts), so a value one accepts the other never refuses, and a
 * bad value is refused naming what the operator set: the variable, or the option.
 */
export const REGISTRY_TUNABLES = {
  usageFlushMs: { env: 'USAGE_FLUSH_MS', default: 1000, min: 10, max: MAX_TIMER_MS, unit: 'ms' },
  shutdownFlushTimeoutMs: { env: 'SHUTDOWN_TIMEOUT_MS', default: 10_000, min: 100, max: MAX_TIMER_MS, unit: 'ms' },
  // A shorter interval would only hammer the providers and the database (1 ms ran 594 sweeps in 5 s).
  healthCheckIntervalMs: {
    env: 'HEALTH_CHECK_INTERVAL_MS',
    default: 300_000,
    min: 1000,
    max: MAX_TIMER_MS,
    unit: 'ms',
    off: 'the schedule',
  },
  healthTimeoutMs: { env: 'HEALTH_TIMEOUT_MS', default: 5000, min: 1, max: MAX_TIMER_MS, unit: 'ms' },
  healthConcurrency: { env: 'HEALTH_CONCURRENCY', default: 8, min: 1, max: 256 },
  healthDegradedMs: { env: 'HEALTH_DEGRADED_MS', default: 3000, min: 1, max: MAX_TIMER_MS, unit: 'ms' },
  healthUnhealthyAfter: { env: 'HEALTH_UNHEALTHY_AFTER', default: 2, min: 1, max: 1000 },
  healthHistoryDays: { env: 'HEALTH_HISTORY_DAYS', default: 30, min: 1, max: 36_500, unit: 'days' },
  requestLogDays: { env: 'REQUEST_LOG_DAYS', default: 30, min: 1, max: 36_500, unit: 'days' },
  resyncIntervalMs: { env: 'REGISTRY_RESYNC_MS', default: 60_000, min: 1000, max: MAX_TIMER_MS, unit: 'ms', off: 'the resync' },
  callTimeoutMs: { env: 'CALL_TIMEOUT_MS', default: 60_000, min: 1, max: MAX_TIMER_MS, unit: 'ms' },
  streamIdleTimeoutMs: { env: 'STREAM_IDLE_TIMEOUT_MS', default: 60_000, min: 1, max: MAX_TIMER_MS, unit: 'ms' },
  passiveMinCalls: {
    env: 'PASSIVE_HEALTH_MIN_CALLS',
    default: 20,
    min: 1,
    max: 1_000_000,
    unit: 'calls',
    off: 'passive health',
  },
  passiveErrorPercent: { env: 'PASSIVE_HEALTH_ERROR_PERCENT', default: 50, min: 1, max: 100, unit: 'percent' },
  passiveWindowMs: {
    env: 'PASSIVE_HEALTH_WINDOW_MS',
    default: 60_000,
    min: 10_000,
    max: 86_400_000,
    unit: 'ms',
    minWhy: BUCKETS,
    maxWhy: 'a day',
  },
  passiveCooldownMs: { env: 'PASSIVE_HEALTH_COOLDOWN_MS', default: 30_000, min: 10_000, max: MAX_TIMER_MS, unit: 'ms', minWhy: BUCKETS },
  passiveMaxCooldownMs: { env: 'PASSIVE_HEALTH_MAX_COOLDOWN_MS', default: 600_000, min: 10_000, max: MAX_TIMER_MS, unit: 'ms' },
  passiveHalfOpenCalls: { env: 'PASSIVE_HEALTH_HALF_OPEN_CALLS', default: 3, min: 1, max: 1000, unit: 'calls' },
} as const satisfies Record<keyof RegistrySettings, Tunable>;

export const DEFAULT_REGISTRY_SETTINGS: Readonly<RegistrySettings> = Object.freeze(
  Object.fromEntries(Object.entries(REGISTRY_TUNABLES).map(([key, tunable]) => [key, tunable.default])) as unknown as RegistrySettings,
);

const UNIT_WORDS: Record<NonNullable<Tunable['unit']>, string> = {
  ms: 'an integer number of milliseconds',
  days: 'an integer number of days',
  calls: 'an integer number of calls',
  percent: 'an integer percentage',
};

/** The rule `value` breaks as tunable `key` (`must be …`), or undefined when it is fine. */
export function tunableRule(key: keyof RegistrySettings, value: unknown): string | undefined {
  const { min, max, unit, off, minWhy, maxWhy }: Tunable = REGISTRY_TUNABLES[key];
  const why = (reason: string | undefined) => (reason ? ` (${reason})` : '');
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return `must be ${unit ? UNIT_WORDS[unit] : 'an integer'}${off ? ` (0 turns ${off} off)` : ''}`;
  }
  if (off && value === 0) return undefined;
  if (value < min) return `must be ${off ? '0 (off) or ' : ''}at least ${min}${why(minWhy)}`;
  if (value > max) return `must be at most ${max}${why(maxWhy ?? (max === MAX_TIMER_MS ? 'the longest timer Node supports' : undefined))}`;
  return undefined;
}

/** Host-given settings are checked like our environment is: one error naming the option and the rule. */
export function resolveRegistrySettings(options: Partial<RegistrySettings>): RegistrySettings {
  const settings = { ...DEFAULT_REGISTRY_SETTINGS };
  for (const key of Object.keys(REGISTRY_TUNABLES) as (keyof RegistrySettings)[]) {
    const value = options[key];
    if (value === undefined) continue;
    const rule = tunableRule(key, value);
    if (rule !== undefined) throw new InvalidModuleOptionError(key, rule);
    settings[key] = value;
  }
  return settings;
}
