import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConsumerKeyCache } from '../consumer-keys/consumer-key-cache';
import { GatewayTracing } from '../gateway/gateway-tracing';
import { RegistrySettings } from '../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../kernel/registry-tokens';
import { PROVIDERS_OPTIONS, ProvidersModuleOptions } from '../providers.options';
import type { OtlpTracing } from './otlp-tracing';
import { shownEndpoint } from './tracing-options';

/**
 * The final export gets at most this long, and at most half of SHUTDOWN_TIMEOUT_MS: a collector that
 * does not answer must not hold the shutdown (the usage flush's) past its deadline; spans are worth less than usage.
 */
const MAX_SHUTDOWN_EXPORT_MS = 5_000;

/**
 * Switches the gateway's tracing on at start when the module's `tracing` option names an OTLP
 * endpoint (our server: OTEL_EXPORTER_OTLP_ENDPOINT), and sends the last spans at shutdown, bounded.
 * Without one it does nothing at all: the SDK is not loaded and the gateway's tracer stays null.
 */
@Injectable()
export class GatewayTracerService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(GatewayTracerService.name);
  private otlp: OtlpTracing | null = null;

  constructor(
    @Inject(PROVIDERS_OPTIONS) private readonly options: ProvidersModuleOptions,
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    private readonly tracing: GatewayTracing,
    private readonly keys: ConsumerKeyCache,
  ) {}

  async onModuleInit(): Promise<void> {
    const tracing = this.options.tracing;
    if (!tracing) return;
    // Loaded here only: with tracing off, no OpenTelemetry package is ever required.
    const { startOtlpTracing } = await import('./otlp-tracing');
    this.otlp = startOtlpTracing(
      tracing,
      (keyId) => this.keys.byId(keyId)?.name,
      (message) => this.logger.warn(message),
    );
    this.tracing.tracer = this.otlp.tracer;
    this.logger.log(`OpenTelemetry: gateway calls traced, spans exported over OTLP/HTTP to ${shownEndpoint(tracing.otlpEndpoint)}`);
  }

  /** Sends the spans still buffered; never throws (Nest would skip the hooks after it), never waits past its bound. */
  async beforeApplicationShutdown(): Promise<void> {
    const otlp = this.otlp;
    if (!otlp) return;
    this.otlp = null;
    this.tracing.tracer = null;
    const limitMs = Math.min(MAX_SHUTDOWN_EXPORT_MS, Math.floor(this.settings.shutdownFlushTimeoutMs / 2));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limitMs);
    });
    try {
      const result = await Promise.race([otlp.shutdown().then(() => 'done' as const), timedOut]);
      if (result === 'timeout') this.logger.warn(`OpenTelemetry: the last spans were not exported within ${limitMs} ms`);
    } catch (error) {
      this.logger.warn(`OpenTelemetry: the last spans were not exported: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
