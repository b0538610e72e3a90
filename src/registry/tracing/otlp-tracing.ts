import { defaultTextMapGetter, ROOT_CONTEXT, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { GatewayTracer } from '../gateway/gateway-tracing';
import type { GatewayCall } from '../gateway/gateway.types';
import { CallSpan } from './call-span';
import { MAX_CALLER_TEXT } from './genai-attributes';
import { ReportingExporter } from './reporting-exporter';
import { DEFAULT_SERVICE_NAME, TracingOptions, tracesUrl } from './tracing-options';

/** The name our spans' instrumentation scope carries. */
const SCOPE = 'ai-provider-registry/gateway';

/** A running OTLP pipeline: the gateway's tracer, and its end (the last spans sent). */
export interface OtlpTracing {
  tracer: GatewayTracer;
  /** Sends what is buffered and stops; the caller bounds the wait. */
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry SDK as the gateway uses it: a tracer provider of our own (the global one is left to
 * the host app, which may run its own SDK), batching spans to an OTLP/HTTP exporter in OTLP's JSON.
 *
 * This is the only module that loads the SDK, and it is itself loaded only when tracing is on
 * (GatewayTracerService imports it lazily): a registry without an endpoint never requires a line of it.
 * The standard OTEL_* variables the SDK reads itself still apply (service name and resource, exporter
 * headers, timeout and compression, sampler, batch sizes), except the endpoint, which is ours to give.
 */
export function startOtlpTracing(
  options: TracingOptions,
  keyName: (keyId: string) => string | undefined,
  warn: (message: string) => void,
): OtlpTracing {
  // Later resources win: our default service name over the SDK's `unknown_service`, OTEL_SERVICE_NAME
  // and OTEL_RESOURCE_ATTRIBUTES over ours.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: DEFAULT_SERVICE_NAME }))
    .merge(detectResources({ detectors: [envDetector] }));
  const exporter = new ReportingExporter(new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) }), warn);
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  return {
    tracer: new OtelGatewayTracer(provider.getTracer(SCOPE), keyName),
    shutdown: () => provider.shutdown(),
  };
}

/** Starts each call's span, a child of the caller's W3C trace context when its headers carry a valid one. */
class OtelGatewayTracer implements GatewayTracer {
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(
    private readonly tracer: Tracer,
    private readonly keyName: (keyId: string) => string | undefined,
  ) {}

  startCall(kind: 'chat' | 'embeddings', call: GatewayCall): CallSpan {
    // An invalid or absent traceparent leaves the root context: the call starts a trace of its own.
    const parent =
      call.traceparent === undefined
        ? ROOT_CONTEXT
        : this.propagator.extract(ROOT_CONTEXT, { traceparent: call.traceparent, tracestate: call.tracestate }, defaultTextMapGetter);
    const keyId = call.consumerKeyId;
    return new CallSpan(this.tracer, kind, parent, {
      keyId,
      keyName: keyId === undefined ? undefined : this.keyName(keyId),
      operation: call.operation?.slice(0, MAX_CALLER_TEXT),
    });
  }
}
