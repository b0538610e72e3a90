import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { runAsActor } from '../../common/actor-context';

/**
 * Makes the token that called a route the actor of the writes the route makes. Nest binds the rest
 * of the chain (pipes, handler) to the async context in which handle() is called, so calling it
 * inside runAsActor is enough. Routes without a principal (@Public) run without an actor.
 */
@Injectable()
export class ActorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().raw.principal;
    return principal ? runAsActor(principal.name, () => next.handle()) : next.handle();
  }
}
