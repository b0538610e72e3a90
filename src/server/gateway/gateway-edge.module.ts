import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConsumerAuth } from './consumer-auth';
import { GatewayController } from './gateway.controller';

/** The OpenAI-compatible edge (`/v1/*`) over the registry's GatewayService. */
@Module({})
export class GatewayEdgeModule {
  /** `registry`: the very ProvidersModule the app configured. */
  static forRoot(registry: DynamicModule): DynamicModule {
    return { module: GatewayEdgeModule, imports: [AuthModule, registry], controllers: [GatewayController], providers: [ConsumerAuth] };
  }
}
