import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { actAs } from '../../common/actor-context';
import { AppConfig } from '../../config/app-config';
import { bearerToken } from '../http/bearer-token';
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

/** What a route's metadata says about who may call it: anyone (@Public), or which role (@RequiresRole). */
interface RouteAccess {
  isPublic: boolean;
  role: ApiTokenRole | undefined;
}

/** Bearer API tokens on every route of an ApiController but the @Public() ones; admin-only routes say so with @RequiresRole('admin'). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokensService,
    private readonly config: AppConfig,
    private readonly failures: AuthFailures,
  ) {}

  /**
   * By controller class and handler (a subclass may inherit a handler under other class metadata):
   * a route's metadata does not change once the app is up, and reflecting on it cost every request.
   */
  private readonly access = new WeakMap<object, WeakMap<object, RouteAccess>>();

  /** Synchronous for a token verified lately (the usual case): a promise costs, with request contexts on. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const access = this.accessOf(context);
    if (access.isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (this.config.AUTH_DISABLED) return this.admit(request, { name: 'auth-disabled', role: 'admin' }, access);
    const token = bearerToken(request.headers.authorization) ?? undefined;
    const remembered = token === undefined ? undefined : this.tokens.rememberedPrincipal(token);
    if (remembered) return this.admit(request, remembered, access);
    return this.failures
      .counted(request, async () => {
        if (token === undefined) throw new UnauthenticatedError('an API token is required: Authorization: Bearer <token>');
        return this.tokens.authenticate(token);
      })
      .then((principal) => this.admit(request, principal, access));
  }

  private accessOf(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.access.get(controller);
    if (!byHandler) this.access.set(controller, (byHandler = new WeakMap()));
    let access = byHandler.get(handler);
    if (!access) {
      const targets = [handler, controller];
      access = {
        isPublic: this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC, targets) === true,
        role: this.reflector.getAllAndOverride<ApiTokenRole | undefined>(ROLE, targets),
      };
      byHandler.set(handler, access);
    }
    return access;
  }

  private admit(request: AuthenticatedRequest, principal: Principal, access: RouteAccess): boolean {
    request.raw.principal = principal;
    // The token's name is the actor of the writes the route makes (the audit trail).
    actAs(principal.name);
    if (access.role === 'admin' && principal.role !== 'admin') {
      throw new ForbiddenError(`this needs an admin token; token "${principal.name}" is a ${principal.role}`);
    }
    return true;
  }
}
