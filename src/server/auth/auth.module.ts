import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { rateLimitsModule } from '../http/rate-limits';
import { AdminTokenBootstrap } from './admin-token-bootstrap.service';
import { ApiTokenRepository } from './api-token.repository';
import { ApiTokensService } from './api-tokens.service';
import { AuthFailures } from './auth-failures';
import { AuthGuard } from './auth.guard';

/** Bearer API tokens for the server's REST edge, checked on every route but the @Public() ones. */
@Module({
  imports: [rateLimitsModule],
  providers: [ApiTokenRepository, ApiTokensService, AuthFailures, AdminTokenBootstrap, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiTokensService, AuthFailures],
})
export class AuthModule {}
