import { Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEvent } from '../../audit/audit-event.entity';
import { AuditService } from '../../audit/audit.service';
import { WithMeta } from '../../http/api-envelope';
import { assertProviderName } from '../../../registry';
import { AuditQueryDto } from './audit-query.dto';
import { ApiController } from '../api-controller';

@ApiTags('audit')
@ApiBearerAuth()
@ApiController('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'Who changed what, when, on which provider: newest first, with the before and after of non-secret fields',
  })
  async list(@Query() query: AuditQueryDto): Promise<WithMeta<AuditEvent[]>> {
    const { events, nextCursor } = await this.audit.list({
      provider: query.provider === undefined ? undefined : assertProviderName(query.provider),
      actor: query.actor,
      action: query.action,
      since: query.since,
      limit: query.limit,
      cursor: query.cursor,
    });
    return new WithMeta(events, { limit: query.limit, nextCursor });
  }
}
