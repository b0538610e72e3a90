import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { MetricsAccess } from './metrics-access';
import { METRICS_REGISTRY } from './metrics.tokens';

/**
 * GET /metrics on the API's port (when METRICS_PORT does not move it elsewhere), in Prometheus's text
 * format. Not an ApiController: MetricsAccess checks its own tokens, and the answer is not enveloped.
 */
@ApiTags('metrics')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly access: MetricsAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format); METRICS_TOKEN or any API token' })
  async scrape(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.access.check(request);
    const body = await this.registry.metrics();
    await reply.type(this.registry.contentType).send(body);
  }
}
