import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AdminConsoleMiddleware } from './admin-console.middleware';

/**
 * The admin console at /admin: static files built from admin/ by `npm run build`. The page talks to
 * the documented REST API only, with the operator's token; nothing here reads the registry.
 */
@Module({})
export class AdminConsoleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // /admin itself and everything below it, in one pattern (path-to-regexp 8: an optional named wildcard).
    consumer.apply(AdminConsoleMiddleware).forRoutes({ path: 'admin{/*path}', method: RequestMethod.ALL });
  }
}
