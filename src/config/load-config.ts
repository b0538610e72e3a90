import * as fs from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { DomainError } from '../common/domain-error';
import { AppConfig } from './app-config';

export class ConfigError extends DomainError {
  readonly code = 'INVALID_CONFIG';
  readonly kind = 'misconfigured';
}

const KNOWN_KEYS = new Set(
  Object.keys(new AppConfig()).concat(['DATABASE_URL', 'CREDENTIALS_KEYS', 'CREDENTIALS_KEY', 'BOOTSTRAP_ADMIN_TOKEN']),
);

function describe(error: ValidationError): string {
  const rules = Object.values(error.constraints ?? {});
  // URLs (and endpoints) carry passwords and keys are secrets: name the variable, never echo its value.
  const shown = /KEY|URL|TOKEN|ENDPOINT/.test(error.property) ? 'value hidden' : `got ${JSON.stringify(error.value)}`;
  return `${error.property} ${rules.join('; ')} (${shown})`;
}

/**
 * What our command-line tools (the TypeORM migration commands) use: where the database is and how
 * to log. A server-only variable (PORT, HEALTH_*…) set wrong must not stop a migration.
 */
export const TOOL_VARIABLES = ['DATABASE_URL', 'DATA_DIR', 'LOG_LEVEL'] as const satisfies readonly (keyof AppConfig)[];

/**
 * Reads the environment once into a typed, validated AppConfig. Empty strings count as unset so
 * `FOO=` in a .env file falls back to the default. Throws ConfigError naming every bad variable.
 * With `only`, just those variables are read and validated; every other one keeps its default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { only?: readonly (keyof AppConfig)[] } = {}): AppConfig {
  const keys = options.only ? [...KNOWN_KEYS].filter((key) => (options.only as readonly string[]).includes(key)) : KNOWN_KEYS;
  const plain: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') plain[key] = value.trim();
  }
  const config = plainToInstance(AppConfig, plain);
  const errors = validateSync(config, { forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration: ${errors.map(describe).join('; ')}`);
  }
  return config;
}

/** Loads `.env` from the working directory into process.env, if there is one (values already set win). */
export function loadDotEnv(file = '.env'): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}
