import type { ConsumerKeyCache } from '../consumer-keys/consumer-key-cache';
import { CallWatch } from '../gateway/call-watch';
import { GatewayTracing } from '../gateway/gateway-tracing';
import type { GatewayObservers } from '../gateway/gateway-observers';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { DEFAULT_REGISTRY_SETTINGS } from '../kernel/registry-settings';
import type { ProvidersModuleOptions } from '../providers.options';
import { fakeRecord } from './__fixtures__/fake-attempt';
import { GatewayTracerService } from './gateway-tracer.service';

// Each module that would load OpenTelemetry, noted when it is first required (jest runs a factory on the first require).
const mockLoaded: string[] = [];
function mockNoted(name: string): unknown {
  mockLoaded.push(name);
  return jest.requireActual(name);
}
jest.mock('@opentelemetry/api', () => mockNoted('@opentelemetry/api'));
jest.mock('@opentelemetry/core', () => mockNoted('@opentelemetry/core'));
jest.mock('@opentelemetry/resources', () => mockNoted('@opentelemetry/resources'));
jest.mock('@opentelemetry/semantic-conventions', () => mockNoted('@opentelemetry/semantic-conventions'));
jest.mock('@opentelemetry/sdk-trace-base', () => mockNoted('@opentelemetry/sdk-trace-base'));
jest.mock('@opentelemetry/exporter-trace-otlp-http', () => mockNoted('@opentelemetry/exporter-trace-otlp-http'));
jest.mock('./otlp-tracing', () => mockNoted('./otlp-tracing'));

describe(GatewayTracerService.name, () => {
  const keys = { byId: (id: string) => (id === '7' ? { name: 'checkout-svc' } : undefined) } as unknown as ConsumerKeyCache;

  function start(options: Partial<ProvidersModuleOptions>, shutdownFlushTimeoutMs = 10_000) {
    const tracing = new GatewayTracing();
    const settings = { ...DEFAULT_REGISTRY_SETTINGS, shutdownFlushTimeoutMs };
    return { tracing, service: new GatewayTracerService(options as ProvidersModuleOptions, settings, tracing, keys) };
  }

  // First in this file: the module registry is still free of anything OpenTelemetry.
  it('off (no endpoint): loads no OpenTelemetry module, leaves the tracer null, and a call passes its attempts on untouched', async () => {
    const { tracing, service } = start({});
    await service.onModuleInit();
    expect(tracing.tracer).toBeNull();
    const metrics = {} as GatewayMetrics;
    const observers = {} as GatewayObservers;
    const watch = new CallWatch('chat', '7', new AbortController().signal, metrics, observers, null);
    const send = () => Promise.reject(new Error('not sent'));
    expect(watch.traced(send)).toBe(send);
    await service.beforeApplicationShutdown();
    expect(mockLoaded).toEqual([]);
  });

  it('on: loads the SDK, sets the tracer; at shutdown the tracer is gone and the shutdown resolves', async () => {
    // Exports fail here whatever the collector (the exporter imports node:http dynamically, which jest's
    // sandbox refuses): what reaches a collector, and the bounded final export, are tested on a real process.
    const { tracing, service } = start({ tracing: { otlpEndpoint: 'http://127.0.0.1:9' } }, 600);
    await service.onModuleInit();
    expect(mockLoaded).toEqual(
      expect.arrayContaining(['./otlp-tracing', '@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http']),
    );
    const trace = tracing.tracer!.startCall('chat', {
      body: {},
      mayUse: () => true,
      signal: new AbortController().signal,
      consumerKeyId: '7',
    });
    trace.ended(fakeRecord({ provider: null, model: null, result: 'invalid_request', upstreamStatus: null }));
    await service.beforeApplicationShutdown();
    expect(tracing.tracer).toBeNull();
  });
});
