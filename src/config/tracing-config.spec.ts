import { generateKey } from '../registry/key-ring/key-ring';
import { loadConfig } from './load-config';
import { providersOptionsFromConfig } from './providers-options';

describe('OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  const base = { DATA_DIR: '/nonexistent', CREDENTIALS_KEY: generateKey() };

  it('unset (the default): no tracing option reaches the module', () => {
    const config = loadConfig(base);
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(providersOptionsFromConfig(config, {} as never)).not.toHaveProperty('tracing');
  });

  it('an http(s) URL reaches the module as its tracing endpoint', () => {
    const config = loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' });
    expect(providersOptionsFromConfig(config, {} as never).tracing).toEqual({ otlpEndpoint: 'http://localhost:4318' });
  });

  it.each(['localhost:4318', 'grpc://collector:4317', 'not a url'])(
    'refuses %j, naming the variable but not echoing the value',
    (value) => {
      expect(() => loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: value })).toThrow(
        /^Invalid configuration: OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL .*\(value hidden\)$/,
      );
    },
  );
});
