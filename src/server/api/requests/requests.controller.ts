import { Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequestLogService, type RequestLogView } from '../../../registry';
import { WithMeta } from '../../http/api-envelope';
import { ApiController } from '../api-controller';
import { RequestQueryDto } from './request-query.dto';

@ApiTags('requests')
@ApiBearerAuth()
@ApiController('api/requests')
export class RequestsController {
  constructor(private readonly requestLog: RequestLogService) {}

  @Get()
  @ApiOperation({
    summary:
      "The gateway's request log, newest first: each call's time, consumer key (id and name), model asked, who answered, the " +
      'attempts that failed before it and why, result, upstream status, tokens, cost, latency and time to first token; ' +
      'never a prompt, an answer or a key',
  })
  async list(@Query() query: RequestQueryDto): Promise<WithMeta<RequestLogView[]>> {
    const { requests, nextCursor } = await this.requestLog.list({
      key: query.key,
      provider: query.provider,
      model: query.model,
      result: query.result,
      status: query.status,
      from: query.from,
      to: query.to,
      limit: query.limit,
      cursor: query.cursor,
    });
    return new WithMeta(requests, { limit: query.limit, nextCursor });
  }
}
