import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../../config/app-config';
import type { ApiTokenRole } from './api-token.entity';
import { ApiTokensService, Principal } from './api-tokens.service';
import { AuthFailures } from './auth-failures';
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
    private readonly failures: AuthFailures,
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
    request.principal = await this.failures.counted(request, async () => {
      if (!match) throw new UnauthenticatedError('an API token is required: Authorization: Bearer <token>');
      return this.tokens.authenticate(match[1]);
    });
    const needed = this.reflector.getAllAndOverride<ApiTokenRole | undefined>(ROLE, targets);
    if (needed === 'admin' && request.principal.role !== 'admin') {
      throw new ForbiddenError(`this needs an admin token; token "${request.principal.name}" is a ${request.principal.role}`);
    }
    return true;
  }
}
