import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ErrorFormats } from '../http/error-formats';
import { ConsumerAuth } from './consumer-auth';
import { GatewayRoutes } from './gateway-routes';
import { OpenAiErrorFilter } from './openai-error.filter';

/** The OpenAI-compatible edge (`/v1/*`) over the registry's GatewayService. */
@Module({})
export class GatewayEdgeModule implements OnModuleInit {
  constructor(private readonly formats: ErrorFormats) {}

  /** What fails on /v1 before the controller (an unknown route, a body too large or not JSON) is answered in OpenAI's shape too. */
  onModuleInit(): void {
    this.formats.register('/v1/', new OpenAiErrorFilter());
  }

  /** `registry`: the very ProvidersModule the app configured. */
  static forRoot(registry: DynamicModule): DynamicModule {
    return { module: GatewayEdgeModule, imports: [AuthModule, registry], providers: [ConsumerAuth, GatewayRoutes] };
  }
}
