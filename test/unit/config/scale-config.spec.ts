import { ConfigError, loadConfig } from '../../../src/config/load-config';

describe('configuration of several instances and of /metrics', () => {
  const pooled = 'postgresql://registry:pooled-secret@pgbouncer:6432/registry';
  const direct = 'postgresql://registry:direct-secret@postgres:5432/registry';

  it('reads DATABASE_DIRECT_URL beside DATABASE_URL, and the metrics variables', () => {
    expect(
      loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct, METRICS_PORT: '9464', METRICS_TOKEN: 'm'.repeat(32) }),
    ).toMatchObject({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct, METRICS_PORT: 9464, METRICS_TOKEN: 'm'.repeat(32) });
    expect(loadConfig({ DATABASE_URL: pooled }).DATABASE_DIRECT_URL).toBeUndefined();
  });

  it('refuses a direct URL without DATABASE_URL, or one that is not PostgreSQL, naming it and hiding its value', () => {
    expect(() => loadConfig({ DATABASE_DIRECT_URL: direct })).toThrow(
      /DATABASE_DIRECT_URL needs DATABASE_URL \(the pooled connection\) to be set too \(value hidden\)/,
    );
    const attempt = () => loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: 'mysql://root:direct-secret@db/x' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DATABASE_DIRECT_URL must be a postgres:\/\/ or postgresql:\/\/ URL \(value hidden\)/);
    expect(attempt).not.toThrow(/direct-secret/);
  });

  it('refuses a short METRICS_TOKEN (without echoing it) and a METRICS_PORT out of range', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short-token' })).toThrow(/METRICS_TOKEN must be at least 32 characters \(value hidden\)/);
    expect(() => loadConfig({ METRICS_PORT: '0' })).toThrow(/METRICS_PORT must be between 1 and 65535/);
    expect(() => loadConfig({ METRICS_PORT: 'abc' })).toThrow(/METRICS_PORT must be an integer port number/);
  });
});
