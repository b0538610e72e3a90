import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { AuthModule } from '../auth/auth.module';
import { DomainErrorFilter } from '../http/domain-error.filter';
import { rateLimitsModule } from '../http/rate-limits';
import { isApiController } from './api-controller';
import { AuditController } from './audit/audit.controller';
import { WhoamiController } from './auth/whoami.controller';
import { CatalogController } from './catalog/catalog.controller';
import { CredentialsController } from './credentials/credentials.controller';
import { HealthController } from './health/health.controller';
import { ConsumerKeysController } from './keys/consumer-keys.controller';
import { ModelsController } from './models/models.controller';
import { ProviderViews } from './providers/provider-views';
import { ProvidersController } from './providers/providers.controller';
import { ReadinessController } from './readiness/readiness.controller';
import { ReadinessService } from '../probes/readiness.service';
import { RequestsController } from './requests/requests.controller';
import { UsageController } from './usage/usage.controller';

const CONTROLLERS = [
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
  RequestsController,
];

/**
 * The server's REST edge: thin controllers over ProvidersModule's services, each an ApiController
 * (the token guard of AuthModule, one validation pipe, one envelope, the writes' actor), and one
 * exception filter for every answer the app gives.
 */
@Module({})
export class ApiModule {
  /** `registry`: the very ProvidersModule the app configured (the same dynamic module is one instance). */
  static forRoot(registry: DynamicModule): DynamicModule {
    // Fail closed: a controller declared with @Controller would serve its routes without a token.
    const plain = CONTROLLERS.filter((controller) => !isApiController(controller)).map((controller) => controller.name);
    if (plain.length > 0) throw new Error(`ApiModule: ${plain.join(', ')} must be declared with @ApiController(), not @Controller()`);
    return {
      module: ApiModule,
      imports: [AuthModule, rateLimitsModule, registry],
      controllers: CONTROLLERS,
      providers: [
        ProviderViews,
        // Global: unknown routes, unreadable bodies and the JSON-bodies rule fail before any controller.
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        AuditRepository,
        AuditService,
        ReadinessService,
      ],
    };
  }
}
