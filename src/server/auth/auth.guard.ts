import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { actAs } from '../../common/actor-context';
import { AppConfig } from '../../config/app-config';
import type { ApiTokenRole } from './api-token.entity';
import { ApiTokensService, Principal } from './api-tokens.service';
import { AuthFailures } from './auth-failures';
import { ForbiddenError, UnauthenticatedError } from './auth.errors';

const PUBLIC = 'auth:public';
const ROLE = 'auth:role';

/** A route of an ApiController anyone may call (readiness). */
export const Public = () => SetMetadata(PUBLIC, true);
/** The role a route needs; routes without it need any valid token (viewers read). */
export const RequiresRole = (role: ApiTokenRole) => SetMetadata(ROLE, role);

/**
 * A request the guard has seen: the token that called is kept on Node's request (`raw`), which the
 * request log (pino-http) reads too, so its line names the token (never the token's value).
 */
export type AuthenticatedRequest = FastifyRequest & { raw: IncomingMessage & { principal?: Principal } };

/** Bearer API tokens on every route of an ApiController but the @Public() ones; admin-only routes say so with @RequiresRole('admin'). */
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
      request.raw.principal = { name: 'auth-disabled', role: 'admin' };
      actAs(request.raw.principal.name);
      return true;
    }
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/.exec(header) : null;
    const principal = await this.failures.counted(request, async () => {
      if (!match) throw new UnauthenticatedError('an API token is required: Authorization: Bearer <token>');
      return this.tokens.authenticate(match[1]);
    });
    request.raw.principal = principal;
    // The token's name is the actor of the writes the route makes (the audit trail).
    actAs(principal.name);
    const needed = this.reflector.getAllAndOverride<ApiTokenRole | undefined>(ROLE, targets);
    if (needed === 'admin' && principal.role !== 'admin') {
      throw new ForbiddenError(`this needs an admin token; token "${principal.name}" is a ${principal.role}`);
    }
    return true;
  }
}
