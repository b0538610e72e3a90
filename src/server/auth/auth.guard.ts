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

/** A route's handler and its controller class, where the route's metadata (@Public, @RequiresRole) is read. */
type RouteTargets = [ReturnType<ExecutionContext['getHandler']>, ReturnType<ExecutionContext['getClass']>];

/** Bearer API tokens on every route of an ApiController but the @Public() ones; admin-only routes say so with @RequiresRole('admin'). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokensService,
    private readonly config: AppConfig,
    private readonly failures: AuthFailures,
  ) {}

  /** Synchronous for a token verified lately (the usual case): a promise costs, with request contexts on. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const targets: RouteTargets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (this.config.AUTH_DISABLED) return this.admit(request, { name: 'auth-disabled', role: 'admin' }, targets);
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer ([^\s]+)$/.exec(header)?.[1] : undefined;
    const remembered = token === undefined ? undefined : this.tokens.rememberedPrincipal(token);
    if (remembered) return this.admit(request, remembered, targets);
    return this.failures
      .counted(request, async () => {
        if (token === undefined) throw new UnauthenticatedError('an API token is required: Authorization: Bearer <token>');
        return this.tokens.authenticate(token);
      })
      .then((principal) => this.admit(request, principal, targets));
  }

  private admit(request: AuthenticatedRequest, principal: Principal, targets: RouteTargets): boolean {
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
