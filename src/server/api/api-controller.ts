import { Controller, SetMetadata, UseGuards, UsePipes, applyDecorators } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { AuthGuard } from '../auth/auth.guard';
import { toEnvelope } from '../http/api-envelope';
import { apiValidationPipe } from '../http/validation';

const API_CONTROLLER = 'api:controller';

/** One pipe for the whole API (it holds no per-request state). */
const validation = apiValidationPipe();

type Route = (...args: unknown[]) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** The names of the route handlers of a controller class, its own and inherited. */
function routeNames(prototype: object): string[] {
  const names = new Set<string>();
  for (let level = prototype; level !== Object.prototype; level = Object.getPrototypeOf(level) as object) {
    for (const name of Object.getOwnPropertyNames(level)) {
      const value = (level as Record<string, unknown>)[name];
      if (name !== 'constructor' && typeof value === 'function' && Reflect.getMetadata(METHOD_METADATA, value) !== undefined)
        names.add(name);
    }
  }
  return [...names];
}

/**
 * Each route handler answers in the envelope: the class's handlers are replaced by ones that wrap
 * what they return, carrying every metadata of the original (route, status code, guards, roles,
 * OpenAPI) so Nest, the guards and the document see the same route. This is what an interceptor
 * did, without Nest's interceptor machinery per request (an async resource bound per interceptor,
 * an Observable chain), which cost more than the rest of an API request.
 */
function envelopeAnswers(controller: { prototype: unknown }): void {
  const prototype = controller.prototype as Record<string, Route>;
  for (const name of routeNames(prototype)) {
    const route = prototype[name];
    const enveloped = function (this: unknown, ...args: unknown[]): unknown {
      const answer = route.apply(this, args);
      // A promise is enveloped when it settles, a value at once (no promise of ours for a sync handler).
      return isThenable(answer) ? answer.then(toEnvelope) : toEnvelope(answer);
    };
    for (const key of Reflect.getMetadataKeys(route)) Reflect.defineMetadata(key, Reflect.getMetadata(key, route), enveloped);
    Object.defineProperty(enveloped, 'name', { value: route.name });
    Object.defineProperty(prototype, name, { value: enveloped, writable: true, configurable: true, enumerable: false });
  }
}

/**
 * A controller of the REST API, at `path`, with the API's stack bound to it and to nothing else: the
 * token guard (AuthGuard; @Public() routes pass; it names the audit trail's actor), the validation
 * pipe, and the envelope around what each handler returns. Routes outside the API (liveness,
 * /metrics, the gateway's /v1 writing on Node's response) run none of them, not even a check whether
 * to skip. The errors' format is the one global piece (DomainErrorFilter, ApiModule), as it must also
 * answer what fails before a controller is chosen; a controller with its own format binds its own filter.
 */
export function ApiController(path: string): ClassDecorator {
  const enveloped: ClassDecorator = (target) => envelopeAnswers(target);
  return applyDecorators(Controller(path), SetMetadata(API_CONTROLLER, true), UseGuards(AuthGuard), UsePipes(validation), enveloped);
}

/** Whether a controller class was declared with ApiController (so it is behind the token guard). */
export function isApiController(controller: object): boolean {
  return Reflect.getMetadata(API_CONTROLLER, controller) === true;
}
