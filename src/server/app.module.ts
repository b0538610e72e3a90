import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { Registry } from 'prom-client';
import { ApiModule } from './api/api.module';
import { RequestLog } from './http/request-log';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { providersOptionsFromConfig } from '../config/providers-options';
import { COORDINATION, Coordination } from '../registry';
import { DatabaseModule } from '../database/database.module';
import type { DatabaseTarget } from '../database/database-target';
import { GatewayEdgeModule } from './gateway/gateway-edge.module';
import { ErrorFormatsModule } from './http/error-formats';
import { HealthzModule } from './probes/healthz.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProvidersModule } from '../registry';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: DatabaseTarget): DynamicModule {
    // One Registry per app: the registry's figures and the server's own (HTTP, process) on one /metrics.
    const metrics = new Registry();
    // Keys travel in headers and query parameters; the request log masks them by name (httpLogOptions).
    const requestLog = new RequestLog(config.LOG_LEVEL);
    const registry = ProvidersModule.forRootAsync({
      inject: [AppConfig, COORDINATION],
      useFactory: (appConfig: AppConfig, coordination: Coordination) => providersOptionsFromConfig(appConfig, coordination, metrics),
    });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ErrorFormatsModule,
        // Nest's logger over the request log's pino; no middleware of its own (createApp hooks the
        // request log into Fastify, request-log.ts).
        LoggerModule.forRoot({ pinoHttp: { logger: requestLog.logger }, forRoutes: [] }),
        DatabaseModule.forRoot(database),
        HealthzModule,
        registry,
        ApiModule.forRoot(registry),
        GatewayEdgeModule.forRoot(registry),
        MetricsModule.forRoot(config, metrics),
      ],
      providers: [{ provide: RequestLog, useValue: requestLog }],
    };
  }
}
