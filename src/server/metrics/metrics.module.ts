import { DynamicModule, Module } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../../config/app-config';
import { HttpMetrics } from './http-metrics';
import { MetricsAccess } from './metrics-access';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { METRICS_REGISTRY } from './metrics.tokens';

/**
 * Our server's metrics edge: the Registry ProvidersModule records into (given to it as
 * `metricsRegistry`), plus the process's own metrics and its HTTP requests (counted by the hook of
 * http-metrics.ts, which createApp installs), exposed at GET /metrics
 * on the API's port (METRICS_TOKEN or an API token) or on METRICS_PORT. A host app that imports only
 * ProvidersModule exposes the registry's metrics with its own /metrics instead.
 */
@Module({})
export class MetricsModule {
  static forRoot(config: AppConfig, registry: Registry): DynamicModule {
    collectDefaultMetrics({ register: registry });
    // Gauges named like counters, which promtool's lint rejects; nodejs_active_{handles,requests,resources}
    // (by type) carry the same figures.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      registry.removeSingleMetric(name);
    }
    const separatePort = config.METRICS_PORT !== undefined;
    return {
      module: MetricsModule,
      imports: [AuthModule],
      controllers: separatePort ? [] : [MetricsController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: HttpMetrics, useValue: new HttpMetrics(registry) },
        MetricsAccess,
        ...(separatePort ? [MetricsServer] : []),
      ],
    };
  }
}
