/** ProvidersModule's `tracing` option: where the gateway's spans go. Absent: tracing is off and OpenTelemetry is never loaded. */
export interface TracingOptions {
  /**
   * The OTLP/HTTP base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT gives it (`http://collector:4318`):
   * spans are posted to its `/v1/traces`, OTLP's JSON encoding. The SDK reads the other standard
   * variables itself: OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS (and
   * _TRACES_HEADERS), _TIMEOUT, _COMPRESSION, OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*.
   */
  otlpEndpoint: string;
}

/** The service name spans carry unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES) names another. */
export const DEFAULT_SERVICE_NAME = 'ai-provider-registry';

/**
 * The traces URL of a base endpoint, as the OTLP exporter specification builds it from
 * OTEL_EXPORTER_OTLP_ENDPOINT: `v1/traces` appended to its path (one slash between). We pass the URL
 * ourselves because the endpoint may come from a host's options, not only from the environment.
 */
export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.toString();
}

/** The endpoint as a log line may show it: no user, no password, no query (they may hold a token). */
export function shownEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}
