/**
 * The two servers of the HTTP benchmark (bench/http.ts), by BENCH_SERVER:
 * - unset: the real server (src/main.ts) with two more routes returning a constant: GET/POST
 *   /bench/bare, an ApiController (the API's guard, public here, pipe, envelope and actor) behind the
 *   server's hooks (security headers, request log, metrics): the ceiling of an API route in the same
 *   app; and GET /bench/raw, a plain controller behind the same hooks only, as a gateway route is.
 * - `nest-fastify`: the baseline, a bare NestJS app on @nestjs/platform-fastify with the bare
 *   controller and nothing else (no hooks, no logger, no enhancers), on PORT and HOST.
 * For benchmarks only.
 */
import 'reflect-metadata';
import { Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../src/server/app.module';
import { ApiController } from '../../src/server/api/api-controller';
import { Public } from '../../src/server/auth/auth.guard';
import { AuthModule } from '../../src/server/auth/auth.module';

@Controller('bench')
class BareController {
  @Get('bare')
  bare(): { ok: true } {
    return { ok: true };
  }

  @Post('bare')
  @HttpCode(200)
  barePost(): { ok: true } {
    return { ok: true };
  }
}

@Public()
@ApiController('bench')
class ApiBareController extends BareController {}

@Controller('bench')
class RawController {
  @Get('raw')
  raw(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [BareController] })
class BareNestModule {}

async function bareNestOnFastify(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareNestModule, new FastifyAdapter(), { logger: false });
  await app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
}

if (process.env.BENCH_SERVER === 'nest-fastify') {
  bareNestOnFastify().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  const forRoot = AppModule.forRoot.bind(AppModule);
  AppModule.forRoot = (...args: Parameters<typeof AppModule.forRoot>) => {
    const module = forRoot(...args);
    // AuthModule for the guard an ApiController binds (ApiModule imports it for its own controllers).
    return {
      ...module,
      imports: [...(module.imports ?? []), AuthModule],
      controllers: [...(module.controllers ?? []), ApiBareController, RawController],
    };
  };
  // Loaded after the patch above: main.ts boots as soon as it is loaded.
  void import('../../src/main');
}
