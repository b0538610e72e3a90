/**
 * The real server (src/main.ts) with one more route, GET /bench/bare, returning a constant: the
 * framework's own ceiling in the same app, through the same middleware (request log, metrics,
 * helmet), global guard (it is public) and interceptors as every API route. For benchmarks only.
 */
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
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

const forRoot = AppModule.forRoot.bind(AppModule);
AppModule.forRoot = (...args: Parameters<typeof AppModule.forRoot>) => {
  const module = forRoot(...args);
  return { ...module, controllers: [...(module.controllers ?? []), BareController] };
};

// Loaded after the patch above: main.ts boots as soon as it is loaded.
void import('../../src/main');
