import { Module } from '@nestjs/common';
import { rateLimitsModule } from '../http/rate-limits';
import { AdminTokenBootstrap } from './admin-token-bootstrap.service';
import { ApiTokenRepository } from './api-token.repository';
import { ApiTokensService } from './api-tokens.service';
import { AuthFailures } from './auth-failures';

/**
 * Bearer API tokens for the server's REST edge: what AuthGuard needs, which every ApiController binds
 * (api/api-controller.ts), checked on each of their routes but the @Public() ones.
 */
@Module({
  imports: [rateLimitsModule],
  providers: [ApiTokenRepository, ApiTokensService, AuthFailures, AdminTokenBootstrap],
  exports: [ApiTokensService, AuthFailures],
})
export class AuthModule {}
