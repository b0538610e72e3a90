import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerStorage, ThrottlerException, type ThrottlerStorage } from '@nestjs/throttler';
import { AUTH_FAILURES, MINUTE_MS } from '../http/rate-limits';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../config/app-config';
import type { ApiTokenRole } from './api-token.entity';
import { ApiTokensService, Principal } from './api-tokens.service';
import { ForbiddenError, UnauthenticatedError } from './auth.errors';

const PUBLIC = 'auth:public';
const ROLE = 'auth:role';

/** A route anyone may call (liveness, readiness, the API's documentation). */
export const Public = () => SetMetadata(PUBLIC, true);
/** The role a route needs; routes without it need any valid token (viewers read). */
export const RequiresRole = (role: ApiTokenRole) => SetMetadata(ROLE, role);

export type AuthenticatedRequest = IncomingMessage & { principal?: Principal };

/** Bearer API tokens on every route but the @Public() ones; admin-only routes say so with @RequiresRole('admin'). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokensService,
    private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly failures: ThrottlerStorage,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (this.config.AUTH_DISABLED) {
      request.principal = { name: 'auth-disabled', role: 'admin' };
      return true;
    }
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/.exec(header) : null;
    try {
      if (!match) throw new UnauthenticatedError('an API token is required: Authorization: Bearer <token>');
      request.principal = await this.tokens.authenticate(match[1]);
    } catch (error) {
      if (error instanceof UnauthenticatedError) await this.countFailure(request);
      throw error;
    }
    const needed = this.reflector.getAllAndOverride<ApiTokenRole | undefined>(ROLE, targets);
    if (needed === 'admin' && request.principal.role !== 'admin') {
      throw new ForbiddenError(`this needs an admin token; token "${request.principal.name}" is a ${request.principal.role}`);
    }
    return true;
  }

  /** Guessing tokens costs: past the limit of failures per address and minute, the answer is 429. */
  private async countFailure(request: AuthenticatedRequest): Promise<void> {
    const address = (request as { ip?: string }).ip ?? request.socket.remoteAddress ?? 'unknown';
    const limit = this.config.API_AUTH_FAILURES_PER_MINUTE;
    const record = await this.failures.increment(`auth-failure:${address}`, MINUTE_MS, limit, MINUTE_MS, AUTH_FAILURES);
    if (record.totalHits > limit) throw new ThrottlerException('too many failed authentications from this address; wait a minute');
  }
}
