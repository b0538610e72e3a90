import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateKey } from '../registry/key-ring/key-ring';
import { DEFAULT_REGISTRY_SETTINGS, REGISTRY_TUNABLES, resolveRegistrySettings } from '../registry/kernel/registry-settings';
import { TUNABLE_VARIABLES } from './app-config';
import { loadConfig } from './load-config';
import { providersOptionsFromConfig } from './providers-options';

const MAX_TIMER_MS = 2_147_483_647;

/** Every variable as it was before the schema was derived: default, lowest and highest accepted value, and 0 for off. */
const PINNED: Record<string, { default: number; min: number; max: number; off?: true }> = {
  USAGE_FLUSH_MS: { default: 1000, min: 10, max: MAX_TIMER_MS },
  SHUTDOWN_TIMEOUT_MS: { default: 10_000, min: 100, max: MAX_TIMER_MS },
  HEALTH_CHECK_INTERVAL_MS: { default: 300_000, min: 1000, max: MAX_TIMER_MS, off: true },
  HEALTH_TIMEOUT_MS: { default: 5000, min: 1, max: MAX_TIMER_MS },
  HEALTH_CONCURRENCY: { default: 8, min: 1, max: 256 },
  HEALTH_DEGRADED_MS: { default: 3000, min: 1, max: MAX_TIMER_MS },
  // These three were the drift: the environment took what the module then refused (up to any size, or 1-999 ms).
  HEALTH_UNHEALTHY_AFTER: { default: 2, min: 1, max: 1000 },
  HEALTH_HISTORY_DAYS: { default: 30, min: 1, max: 36_500 },
  REQUEST_LOG_DAYS: { default: 30, min: 1, max: 36_500 },
  REGISTRY_RESYNC_MS: { default: 60_000, min: 1000, max: MAX_TIMER_MS, off: true },
  PASSIVE_HEALTH_MIN_CALLS: { default: 20, min: 1, max: 1_000_000, off: true },
  PASSIVE_HEALTH_ERROR_PERCENT: { default: 50, min: 1, max: 100 },
  PASSIVE_HEALTH_WINDOW_MS: { default: 60_000, min: 10_000, max: 86_400_000 },
  PASSIVE_HEALTH_COOLDOWN_MS: { default: 30_000, min: 10_000, max: MAX_TIMER_MS },
  PASSIVE_HEALTH_MAX_COOLDOWN_MS: { default: 600_000, min: 10_000, max: MAX_TIMER_MS },
  PASSIVE_HEALTH_HALF_OPEN_CALLS: { default: 3, min: 1, max: 1000 },
  CALL_TIMEOUT_MS: { default: 60_000, min: 1, max: MAX_TIMER_MS },
  STREAM_IDLE_TIMEOUT_MS: { default: 60_000, min: 1, max: MAX_TIMER_MS },
};

function refusal(env: Record<string, string>): string | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the registry tunables in the environment', () => {
  it('are every module tunable, each with the module default', () => {
    expect(TUNABLE_VARIABLES.map((t) => t.variable).sort()).toEqual(Object.keys(PINNED).sort());
    expect(Object.keys(REGISTRY_TUNABLES).filter((option) => !TUNABLE_VARIABLES.some((t) => t.option === option))).toEqual([]);
    const config = loadConfig({});
    for (const { option, variable } of TUNABLE_VARIABLES) {
      expect([variable, config[variable]]).toEqual([variable, PINNED[variable].default]);
      expect(DEFAULT_REGISTRY_SETTINGS[option]).toBe(PINNED[variable].default);
    }
  });

  it.each(Object.entries(PINNED))(
    '%s: the environment accepts exactly what the module does, and names the variable',
    (variable, pinned) => {
      const option = TUNABLE_VARIABLES.find((t) => t.variable === variable)!.option;
      const accepted = [pinned.min, pinned.max, ...(pinned.off ? [0] : [])];
      const refused = [pinned.min - 1, pinned.max + 1, -1].filter((value) => !(pinned.off && value === 0));
      for (const value of accepted) {
        expect([value, refusal({ [variable]: String(value) })]).toEqual([value, undefined]);
        expect(resolveRegistrySettings({ [option]: value })[option]).toBe(value);
      }
      for (const value of refused) {
        expect(refusal({ [variable]: String(value) })).toMatch(
          new RegExp(`^Invalid configuration: ${variable} must be [^;]*\\(got ${value}\\)$`),
        );
        expect(() => resolveRegistrySettings({ [option]: value })).toThrow(`ProvidersModule option ${option} must be`);
      }
      expect(refusal({ [variable]: '1.5' })).toMatch(new RegExp(`^Invalid configuration: ${variable} must be an integer`));
    },
  );

  it('reach the module as its options', () => {
    const env = Object.fromEntries(Object.entries(PINNED).map(([variable, pinned]) => [variable, String(pinned.min + 1)]));
    const config = loadConfig({ ...env, DATA_DIR: '/nonexistent', CREDENTIALS_KEY: generateKey() });
    const options = providersOptionsFromConfig(config, {} as never);
    for (const { option, variable } of TUNABLE_VARIABLES) expect([option, options[option]]).toEqual([option, PINNED[variable].min + 1]);
  });

  it("are in the README's table of variables with their defaults", () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const rows = new Map<string, string>();
    for (const line of readme.split('\n')) {
      const cells = line.split('|').map((cell) => cell.trim());
      if (cells.length < 4) continue;
      const names = [...cells[1].matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);
      const defaults = [...cells[2].matchAll(/`([^`]*)`/g)].map((m) => m[1]);
      names.forEach((name, i) => rows.set(name, defaults[i]));
    }
    for (const { variable } of TUNABLE_VARIABLES)
      expect([variable, rows.get(variable)]).toEqual([variable, String(PINNED[variable].default)]);
  });
});
