import { Controller, SetMetadata, UseGuards, UseInterceptors, UsePipes, applyDecorators } from '@nestjs/common';
import { ActorInterceptor } from '../audit/actor.interceptor';
import { AuthGuard } from '../auth/auth.guard';
import { EnvelopeInterceptor } from '../http/envelope.interceptor';
import { apiValidationPipe } from '../http/validation';

const API_CONTROLLER = 'api:controller';

/** One pipe for the whole API (it holds no per-request state). */
const validation = apiValidationPipe();

/**
 * A controller of the REST API, at `path`, with the API's stack bound to it and to nothing else: the
 * token guard (AuthGuard; @Public() routes pass), the validation pipe, the envelope, and the actor of
 * the writes (ActorInterceptor), in that order. Routes outside the API (liveness, /metrics, the
 * gateway's /v1 writing on Node's response) run none of them, not even a check whether to skip. The
 * errors' format is the one global piece (DomainErrorFilter, ApiModule), as it must also answer what
 * fails before a controller is chosen; a controller with its own format binds its own filter.
 */
export function ApiController(path: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    SetMetadata(API_CONTROLLER, true),
    UseGuards(AuthGuard),
    UsePipes(validation),
    UseInterceptors(EnvelopeInterceptor, ActorInterceptor),
  );
}

/** Whether a controller class was declared with ApiController (so it is behind the token guard). */
export function isApiController(controller: object): boolean {
  return Reflect.getMetadata(API_CONTROLLER, controller) === true;
}
