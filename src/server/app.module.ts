import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { Registry } from 'prom-client';
import { AdminConsoleModule } from './admin-console/admin-console.module';
import { ApiModule } from './api/api.module';
import { httpLogOptions } from '../common/logging/http-log-options';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { providersOptionsFromConfig } from '../config/providers-options';
import { COORDINATION, Coordination } from '../registry';
import { DatabaseModule } from '../database/database.module';
import type { DatabaseTarget } from '../database/database-target';
import { GatewayEdgeModule } from './gateway/gateway-edge.module';
import { HealthzModule } from './probes/healthz.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProvidersModule } from '../registry';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: DatabaseTarget): DynamicModule {
    // One Registry per app: the registry's figures and the server's own (HTTP, process) on one /metrics.
    const metrics = new Registry();
    const registry = ProvidersModule.forRootAsync({
      inject: [AppConfig, COORDINATION],
      useFactory: (appConfig: AppConfig, coordination: Coordination) => providersOptionsFromConfig(appConfig, coordination, metrics),
    });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // Keys travel in headers and query parameters; httpLogOptions masks them by name.
        LoggerModule.forRoot({ pinoHttp: httpLogOptions(config.LOG_LEVEL) }),
        DatabaseModule.forRoot(database),
        HealthzModule,
        registry,
        ApiModule.forRoot(registry),
        GatewayEdgeModule.forRoot(registry),
        AdminConsoleModule,
        MetricsModule.forRoot(config, metrics),
      ],
    };
  }
}
