import { Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresRole } from '../../auth/auth.guard';
import { ProviderCallsGuard } from '../../http/rate-limits';
import {
  HealthService,
  UnknownProviderError,
  assertProviderName,
  type HealthCheckRecord,
  type HealthCheckResult,
  type HealthWindowView,
  type ProviderHealthSummary,
  type SweepResult,
} from '../../../registry';
import { HealthWindowQueryDto } from './health-window-query.dto';
import { ApiController } from '../api-controller';

@ApiTags('health')
@ApiBearerAuth()
@ApiController('api')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health')
  @ApiOperation({ summary: 'Health of every provider: status, reason, uptime % and p50/p95 latency over 24 h, drift' })
  summary(): Promise<ProviderHealthSummary[]> {
    return this.health.summary();
  }

  @Get('providers/:provider/health')
  @ApiOperation({
    summary:
      "One provider's health: latest, uptime %, p50/p95 latency, drift, its recent checks, and with ?window= its history over 24 h or 7 d",
  })
  async providerHealth(
    @Param('provider') provider: string,
    @Query() query: HealthWindowQueryDto,
  ): Promise<ProviderHealthSummary & { history: HealthCheckRecord[]; window?: HealthWindowView }> {
    const slug = assertProviderName(provider);
    const [found] = await this.health.summary(slug);
    if (!found) throw new UnknownProviderError(slug);
    const [history, window] = await Promise.all([
      this.health.history(slug),
      query.window === undefined ? undefined : this.health.window(slug, query.window),
    ]);
    return { ...found, history, ...(window ? { window } : {}) };
  }

  @Post('providers/:provider/test')
  @HttpCode(200)
  @UseGuards(ProviderCallsGuard)
  @RequiresRole('admin')
  @ApiOperation({ summary: "Probe the provider's API now and record what it saw" })
  test(@Param('provider') provider: string): Promise<HealthCheckResult> {
    return this.health.check(assertProviderName(provider));
  }

  @Post('health/check')
  @HttpCode(200)
  @UseGuards(ProviderCallsGuard)
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Sweep every enabled provider now; per-provider results' })
  sweep(): Promise<SweepResult> {
    return this.health.checkAll();
  }
}
