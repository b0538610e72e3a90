import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config';

/** The named limits of the REST edge, counted per client address (in memory, per instance). */
export const PROVIDER_CALLS = 'provider-calls';
export const AUTH_FAILURES = 'auth-failures';
export const MINUTE_MS = 60_000;

export const rateLimitsModule = ThrottlerModule.forRootAsync({
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    throttlers: [{ name: PROVIDER_CALLS, ttl: MINUTE_MS, limit: config.API_PROVIDER_CALLS_PER_MINUTE }],
    // One budget per address across the routes: the default key also names the route, which let an
    // address spend the whole limit on each of them.
    generateKey: (_context, tracker, throttler) => `${throttler}:${tracker}`,
  }),
});

const WHEN_TESTED = 'rate-limits:when-tested';
/** Marks a route that calls a provider only when asked to (`?test=true`): limited only then. */
export const CallsProviderWhenTested = () => SetMetadata(WHEN_TESTED, true);

/** The provider-calls limit, on the routes that reach providers (@UseGuards(ProviderCallsGuard)). */
@Injectable()
export class ProviderCallsGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (!this.reflector.get<boolean>(WHEN_TESTED, context.getHandler())) return false;
    return context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query?.test !== 'true';
  }
}
