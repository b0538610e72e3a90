/**
 * The two servers of the HTTP benchmark (bench/http.ts), by BENCH_SERVER:
 * - unset: the real server (src/main.ts) with one more route, GET/POST /bench/bare, returning a
 *   constant: the framework's own ceiling in the same app, through the same middleware (request log,
 *   metrics, helmet), guard (it is public) and interceptors as every API route.
 * - `nest-fastify`: the baseline, a bare NestJS app on @nestjs/platform-fastify with the same
 *   controller and nothing else (no middleware, no logger, no global enhancers), on PORT and HOST.
 * For benchmarks only.
 */
import 'reflect-metadata';
import { Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../src/server/app.module';
import { Public } from '../../src/server/auth/auth.guard';

@Public()
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
    return { ...module, controllers: [...(module.controllers ?? []), BareController] };
  };
  // Loaded after the patch above: main.ts boots as soon as it is loaded.
  void import('../../src/main');
}
