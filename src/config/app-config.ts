import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, ValidateIf } from 'class-validator';
import { firstInvalidRange } from '../registry/egress/egress-policy';
import { REGISTRY_TUNABLES, RegistrySettings, tunableRule } from '../registry/kernel/registry-settings';
import { LOG_LEVELS, type LogLevel } from '../common/logging/log-level';

/** Node clamps longer timers to 1 ms, which would turn a long interval into a busy loop. */
const MAX_TIMER_MS = 2_147_483_647;

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '')
    : value;

function IsIpRangeList(): PropertyDecorator {
  return ValidateBy({
    name: 'isIpRangeList',
    validator: {
      validate: (value: unknown) => Array.isArray(value) && firstInvalidRange(value) === null,
      defaultMessage: (args) => {
        const bad = Array.isArray(args?.value) ? firstInvalidRange(args.value) : null;
        return `must be a comma-separated list of IP addresses or CIDR ranges (e.g. 10.0.0.0/8,fd00::/8)${bad === null ? '' : `; ${JSON.stringify(bad)} is not one`}`;
      },
    },
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

type Tunables = typeof REGISTRY_TUNABLES;
/** The module's tunables that our environment sets, by variable name (USAGE_FLUSH_MS, HEALTH_*, REGISTRY_RESYNC_MS, PASSIVE_HEALTH_*…). */
type TunableVariables = {
  -readonly [K in keyof Tunables as Tunables[K] extends { env: infer Name extends string } ? Name : never]: number;
};
export type TunableVariable = keyof TunableVariables;

/** Each module tunable with the variable that sets it: name, default and bounds are the module's table, nothing here. */
export const TUNABLE_VARIABLES: readonly { option: keyof RegistrySettings; variable: TunableVariable }[] = Object.entries(
  REGISTRY_TUNABLES,
).flatMap(([option, tunable]) => ('env' in tunable ? [{ option: option as keyof RegistrySettings, variable: tunable.env }] : []));

// AppConfig has one number per tunable variable besides the properties it declares itself; the
// class gives them their defaults and rules from REGISTRY_TUNABLES (below), so they are declared
// by type only. Declaration merging is the point here: the class's own fields cannot be generated.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface AppConfig extends TunableVariables {}

/**
 * The whole environment, validated once at boot (see load-config.ts). Property names are the
 * environment variable names so a validation error names exactly what the operator must fix.
 * Nothing else in the code base reads process.env. The registry's tunables (USAGE_FLUSH_MS,
 * HEALTH_*, REGISTRY_RESYNC_MS, PASSIVE_HEALTH_*…) are not written out here: they are derived from
 * the module's own table, REGISTRY_TUNABLES (src/registry/kernel/registry-settings.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the constructor sets every member of the interface
export class AppConfig {
  constructor() {
    for (const { option, variable } of TUNABLE_VARIABLES) this[variable] = REGISTRY_TUNABLES[option].default;
  }

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  /**
   * A direct (unpooled) connection for what needs a session of its own — LISTEN and advisory locks —
   * when DATABASE_URL goes through a pooler in transaction mode (PgBouncer). Default: DATABASE_URL.
   */
  @ValidateIf((config: AppConfig) => config.DATABASE_DIRECT_URL !== undefined)
  @ValidateBy({
    name: 'needsDatabaseUrl',
    validator: {
      validate: (_: unknown, args) => Boolean((args?.object as AppConfig).DATABASE_URL),
      defaultMessage: () => 'needs DATABASE_URL (the pooled connection) to be set too',
    },
  })
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_DIRECT_URL?: string;

  @Transform(toInt)
  @Min(0, { message: 'must be between 0 and 65535' })
  @Max(65535, { message: 'must be between 0 and 65535' })
  @IsInt({ message: 'must be an integer port number' })
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  @IsString()
  @MinLength(1, { message: 'must name a folder' })
  DATA_DIR = './.data';

  /** Loopback port of the embedded database's socket; 0 picks a free one (recorded in the lock file). */
  @Transform(toInt)
  @Min(0, { message: 'must be between 0 and 65535' })
  @Max(65535, { message: 'must be between 0 and 65535' })
  @IsInt({ message: 'must be an integer port number' })
  EMBEDDED_DB_PORT = 0;

  /** A statement on the embedded database (one session: everyone waits) running longer than this is logged; 0 turns it off. */
  @Transform(toInt)
  @Max(MAX_TIMER_MS, { message: 'must be at most 2147483647 (the longest timer Node supports)' })
  @Min(0, { message: 'must be 0 (off) or more' })
  @IsInt({ message: 'must be an integer number of milliseconds (0 turns the warning off)' })
  EMBEDDED_DB_SLOW_WARN_MS = 5000;

  /** A connection idle inside a transaction on the embedded database for longer than this while another waits is rolled back and disconnected; 0 never. */
  @Transform(toInt)
  @Max(MAX_TIMER_MS, { message: 'must be at most 2147483647 (the longest timer Node supports)' })
  @Min(0, { message: 'must be 0 (off) or more' })
  @IsInt({ message: 'must be an integer number of milliseconds (0 turns the limit off)' })
  EMBEDDED_DB_IDLE_IN_TRANSACTION_MS = 30_000;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  MIGRATIONS_RUN = true;

  @IsString()
  @MinLength(1, { message: 'must name a YAML file' })
  CATALOG_PATH = 'config/providers.yaml';

  /** `id:base64key,…`; the first key encrypts, every key decrypts. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+(,[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+)*$/, {
    message: 'must be a comma-separated list of id:base64key (32-byte keys)',
  })
  CREDENTIALS_KEYS?: string;

  /** A single base64 key; shorthand for CREDENTIALS_KEYS=k1:<key>. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/=]+$/, { message: 'must be a base64-encoded 32-byte key' })
  CREDENTIALS_KEY?: string;

  /** Comma-separated IPs / CIDR ranges probes must never connect to, besides the built-in metadata ones. */
  @Transform(toList)
  @IsIpRangeList()
  EGRESS_BLOCKED_RANGES: string[] = [];

  /** Comma-separated exceptions inside blocked ranges (the built-in ones included). */
  @Transform(toList)
  @IsIpRangeList()
  EGRESS_ALLOWED_RANGES: string[] = [];

  /** How long a verified API token is remembered (no query per request); a token revoked on another instance is refused within it. 0: never. */
  @Transform(toInt)
  @Max(300_000, { message: 'must be at most 300000 (5 minutes)' })
  @Min(0, { message: 'must be 0 (off) or more' })
  @IsInt({ message: 'must be an integer number of milliseconds' })
  API_TOKEN_CACHE_MS = 5000;

  /** Accepted as an admin API token named `bootstrap` (stored hashed, never logged). */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  BOOTSTRAP_ADMIN_TOKEN?: string;

  /** Every request is treated as admin: local development only (warned about at every start). */
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  AUTH_DISABLED = false;

  /** Calls that reach providers (probe now, sweep now, store with ?test=true), per client address per minute. */
  @Transform(toInt)
  @Min(1, { message: 'must be at least 1' })
  @Max(100_000, { message: 'must be at most 100000' })
  @IsInt({ message: 'must be an integer' })
  API_PROVIDER_CALLS_PER_MINUTE = 30;

  /** Failed authentications per client address per minute before it is answered 429. */
  @Transform(toInt)
  @Min(1, { message: 'must be at least 1' })
  @Max(100_000, { message: 'must be at most 100000' })
  @IsInt({ message: 'must be an integer' })
  API_AUTH_FAILURES_PER_MINUTE = 20;

  /**
   * How long a client may take to send a request's headers; past it the answer is 408 and the
   * connection closed. A client that trickles them (slowloris) holds a connection no longer than this.
   */
  @Transform(toInt)
  @Min(1000, { message: 'must be at least 1000' })
  @Max(600_000, { message: 'must be at most 600000' })
  @IsInt({ message: 'must be an integer' })
  HTTP_HEADERS_TIMEOUT_MS = 15_000;

  /** How long a client may take to send a whole request, body included (408 past it). An answer, a stream's too, may take longer. */
  @Transform(toInt)
  @Min(1000, { message: 'must be at least 1000' })
  @Max(3_600_000, { message: 'must be at most 3600000' })
  @IsInt({ message: 'must be an integer' })
  HTTP_REQUEST_TIMEOUT_MS = 300_000;

  /** Fastify's `trustProxy` (as Express's `trust proxy` took it): behind a load balancer, the client address comes from X-Forwarded-For. */
  @IsOptional()
  @Matches(/^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s]+|loopback|linklocal|uniquelocal)$/, {
    message: 'must be true, false, a hop count, or addresses/subnets (as trustProxy takes)',
  })
  TRUST_PROXY?: string;

  /**
   * Accepted on GET /metrics besides any API token: a dedicated scrape credential (Prometheus's
   * `authorization` setting), never stored, never logged.
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  METRICS_TOKEN?: string;

  /** Serves /metrics on this port instead of PORT (on METRICS_HOST), e.g. one only the scraper's network reaches. */
  @IsOptional()
  @Transform(toInt)
  @Min(1, { message: 'must be between 1 and 65535' })
  @Max(65535, { message: 'must be between 1 and 65535' })
  @IsInt({ message: 'must be an integer port number' })
  METRICS_PORT?: number;

  /** Interface of METRICS_PORT; default: HOST. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  METRICS_HOST?: string;

  /**
   * OpenTelemetry: spans of gateway calls go over OTLP/HTTP (JSON) to this base URL's `/v1/traces`.
   * Unset: tracing is off and the SDK is never loaded. The SDK reads the other OTEL_* variables itself.
   */
  @IsOptional()
  @ValidateBy({
    name: 'isHttpUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isHttpUrl(value),
      defaultMessage: () => "must be an http:// or https:// URL (the collector's OTLP/HTTP endpoint, e.g. http://localhost:4318)",
    },
  })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  get embedded(): boolean {
    return !this.DATABASE_URL;
  }
}

/** The tunables' rules, from the module's table: an integer, then its bounds, each message naming the variable (load-config.ts). */
for (const { option, variable } of TUNABLE_VARIABLES) {
  Transform(toInt)(AppConfig.prototype, variable);
  ValidateBy({
    name: 'registryTunable',
    validator: {
      validate: (value: unknown) => tunableRule(option, value) === undefined,
      defaultMessage: (args) => tunableRule(option, args?.value) ?? '',
    },
  })(AppConfig.prototype, variable);
}
