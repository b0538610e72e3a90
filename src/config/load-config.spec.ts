import { AppConfig } from './app-config';
import { ConfigError, TOOL_VARIABLES, loadConfig } from './load-config';

describe(loadConfig.name, () => {
  it('gives typed defaults for an empty environment (the embedded database)', () => {
    const config = loadConfig({});
    expect(config).toBeInstanceOf(AppConfig);
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './.data',
      MIGRATIONS_RUN: true,
      HEALTH_CHECK_INTERVAL_MS: 300_000,
      USAGE_FLUSH_MS: 1000,
    });
    expect(config.embedded).toBe(true);
  });

  it('converts numbers and booleans and treats empty values as unset', () => {
    const config = loadConfig({ PORT: '8080', MIGRATIONS_RUN: 'false', HEALTH_CHECK_INTERVAL_MS: '0', DATABASE_URL: '  ' });
    expect(config).toMatchObject({ PORT: 8080, MIGRATIONS_RUN: false, HEALTH_CHECK_INTERVAL_MS: 0 });
    expect(config.embedded).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/x' }).embedded).toBe(false);
  });

  it('names every bad variable and its rule in one message, hiding secret values', () => {
    const attempt = () =>
      loadConfig({
        PORT: 'abc',
        LOG_LEVEL: 'loud',
        MIGRATIONS_RUN: 'maybe',
        DATABASE_URL: 'mysql://root:hunter2@x/y',
        CREDENTIALS_KEY: 'not base64!',
      });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain('PORT must be an integer port number (got "abc")');
    expect(message).toContain('LOG_LEVEL must be one of');
    expect(message).toContain('MIGRATIONS_RUN must be true or false');
    expect(message).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL (value hidden)');
    expect(message).toContain('CREDENTIALS_KEY must be a base64-encoded 32-byte key (value hidden)');
    expect(message).not.toContain('hunter2');
    expect(message.split('\n')).toHaveLength(1);
  });

  it('HEALTH_CHECK_INTERVAL_MS is 0 (off) or at least 1000: a 1 ms schedule would only hammer providers and the database', () => {
    expect(() => loadConfig({ HEALTH_CHECK_INTERVAL_MS: '1' })).toThrow(
      'Invalid configuration: HEALTH_CHECK_INTERVAL_MS must be 0 (off) or at least 1000 (got 1)',
    );
    expect(() => loadConfig({ HEALTH_CHECK_INTERVAL_MS: '999' })).toThrow(/must be 0 \(off\) or at least 1000/);
    expect(() => loadConfig({ HEALTH_CHECK_INTERVAL_MS: 'soon' })).toThrow(
      /HEALTH_CHECK_INTERVAL_MS must be an integer number of milliseconds/,
    );
    expect(loadConfig({ HEALTH_CHECK_INTERVAL_MS: '0' }).HEALTH_CHECK_INTERVAL_MS).toBe(0);
    expect(loadConfig({ HEALTH_CHECK_INTERVAL_MS: '1000' }).HEALTH_CHECK_INTERVAL_MS).toBe(1000);
  });

  it('with `only` (the tools), reads and validates just those variables: a bad server-only one does not stop them', () => {
    const env = {
      PORT: 'abc',
      HEALTH_CHECK_INTERVAL_MS: '1',
      USAGE_FLUSH_MS: 'soon',
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      DATA_DIR: '/srv/data',
      LOG_LEVEL: 'warn',
    };
    expect(() => loadConfig(env)).toThrow(/PORT must be an integer port number/);
    const config = loadConfig(env, { only: TOOL_VARIABLES });
    expect(config).toMatchObject({
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      DATA_DIR: '/srv/data',
      LOG_LEVEL: 'warn',
      PORT: 3000,
      USAGE_FLUSH_MS: 1000,
    });
    // What the tools do use is still checked, naming the variable.
    expect(() => loadConfig({ ...env, DATABASE_URL: 'mysql://x' }, { only: TOOL_VARIABLES })).toThrow(
      /^Invalid configuration: DATABASE_URL must be a postgres/,
    );
    expect(() => loadConfig({ LOG_LEVEL: 'loud', PORT: 'abc' }, { only: TOOL_VARIABLES })).toThrow(
      /^Invalid configuration: LOG_LEVEL must be one of [^;]*$/,
    );
  });

  it.each([
    ['REGISTRY_RESYNC_MS', '500', 'REGISTRY_RESYNC_MS must be 0 (off) or at least 1000 (got 500)'],
    ['HEALTH_UNHEALTHY_AFTER', '5000', 'HEALTH_UNHEALTHY_AFTER must be at most 1000 (got 5000)'],
    ['PASSIVE_HEALTH_MIN_CALLS', '2000000', 'PASSIVE_HEALTH_MIN_CALLS must be at most 1000000 (got 2000000)'],
  ])('%s=%s, which the module refuses, is refused at load in one line naming the variable', (variable, value, rule) => {
    let thrown: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toBe(`Invalid configuration: ${rule}`);
  });
});
