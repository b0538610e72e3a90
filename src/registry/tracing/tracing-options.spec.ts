import { shownEndpoint, tracesUrl } from './tracing-options';

describe(tracesUrl.name, () => {
  it('appends v1/traces to the base endpoint’s path, as the OTLP exporter specification builds it from OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(tracesUrl('http://localhost:4318')).toBe('http://localhost:4318/v1/traces');
    expect(tracesUrl('http://localhost:4318/')).toBe('http://localhost:4318/v1/traces');
    expect(tracesUrl('https://otel.example.com/tenant/7')).toBe('https://otel.example.com/tenant/7/v1/traces');
    expect(tracesUrl('https://otel.example.com/tenant/7/?region=eu')).toBe('https://otel.example.com/tenant/7/v1/traces?region=eu');
  });

  it('shows an endpoint without its user, password or query', () => {
    expect(shownEndpoint('https://me:hunter2@otel.example.com:4318/base?token=abc')).toBe('https://otel.example.com:4318/base');
  });
});
