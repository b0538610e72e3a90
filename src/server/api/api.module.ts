import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ActorInterceptor } from '../audit/actor.interceptor';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { AuthModule } from '../auth/auth.module';
import { DomainErrorFilter } from '../http/domain-error.filter';
import { EnvelopeInterceptor } from '../http/envelope.interceptor';
import { rateLimitsModule } from '../http/rate-limits';
import { apiValidationPipe } from '../http/validation';
import { AuditController } from './audit/audit.controller';
import { WhoamiController } from './auth/whoami.controller';
import { CatalogController } from './catalog/catalog.controller';
import { CredentialsController } from './credentials/credentials.controller';
import { HealthController } from './health/health.controller';
import { ConsumerKeysController } from './keys/consumer-keys.controller';
import { ModelsController } from './models/models.controller';
import { ProviderViews } from './providers/provider-views';
import { ProvidersController } from './providers/providers.controller';
import { ReadinessController } from '../probes/readiness.controller';
import { ReadinessService } from '../probes/readiness.service';
import { UsageController } from './usage/usage.controller';

/**
 * The server's REST edge: thin controllers over ProvidersModule's services, one validation pipe,
 * one envelope, one exception filter, and the token guard (AuthModule).
 */
@Module({})
export class ApiModule {
  /** `registry`: the very ProvidersModule the app configured (the same dynamic module is one instance). */
  static forRoot(registry: DynamicModule): DynamicModule {
    return {
      module: ApiModule,
      imports: [AuthModule, rateLimitsModule, registry],
      controllers: [
        ProvidersController,
        CredentialsController,
        ModelsController,
        HealthController,
        CatalogController,
        ReadinessController,
        UsageController,
        AuditController,
        WhoamiController,
        ConsumerKeysController,
      ],
      providers: [
        ProviderViews,
        { provide: APP_PIPE, useFactory: apiValidationPipe },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ActorInterceptor },
        AuditRepository,
        AuditService,
        ReadinessService,
      ],
    };
  }
}
