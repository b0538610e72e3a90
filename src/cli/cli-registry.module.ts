import { DynamicModule, Module } from '@nestjs/common';
import { ApiTokenRepository } from '../server/auth/api-token.repository';
import { ApiTokensService } from '../server/auth/api-tokens.service';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { providersOptionsFromConfig } from '../config/providers-options';
import { COORDINATION, Coordination } from '../registry';
import { DatabaseModule } from '../database/database.module';
import type { DatabaseTarget } from '../database/database-target';
import { ProvidersModule } from '../registry';

/**
 * The registry as the CLI uses it: the server's own modules and configuration, minus what only a
 * long-running process wants (scheduled sweeps, periodic resyncs, the HTTP edge). Its writes announce
 * themselves through the database like everyone else's, so a running server sees them.
 */
@Module({})
export class CliRegistryModule {
  static forRoot(config: AppConfig, database: DatabaseTarget): DynamicModule {
    return {
      module: CliRegistryModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(database),
        ProvidersModule.forRootAsync({
          inject: [AppConfig, COORDINATION],
          useFactory: (appConfig: AppConfig, coordination: Coordination) => ({
            ...providersOptionsFromConfig(appConfig, coordination),
            healthCheckIntervalMs: 0,
            resyncIntervalMs: 0,
          }),
        }),
      ],
      providers: [ApiTokenRepository, ApiTokensService],
    };
  }
}
