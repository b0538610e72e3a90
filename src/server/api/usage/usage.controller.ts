import { Body, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresRole } from '../../auth/auth.guard';
import { WithMeta } from '../../http/api-envelope';
import { UsageService, type CredentialUsage, type ProviderUsage, type SpendReport, type UsageBatchResult } from '../../../registry';
import { RecordUsageDto } from './record-usage.dto';
import { UsageQueryDto } from './usage-query.dto';
import { ApiController } from '../api-controller';

export interface UsageResource {
  providers: ProviderUsage[];
  credentials: CredentialUsage[];
  spend: SpendReport;
}

@ApiTags('usage')
@ApiBearerAuth()
@ApiController('api/usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Post()
  @HttpCode(200)
  @RequiresRole('admin')
  @ApiOperation({
    summary:
      'Count a batch of usage reported by another service, once per Idempotency-Key on every instance (keys are remembered 24 h); ' +
      'the same key with other records is refused (422)',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '1-200 printable ASCII characters, one per batch; a retry sends the same one',
  })
  @ApiOkResponse({
    description:
      '`data: { accepted, duplicate }`: `accepted` is how many records this request counted, all of the batch or 0; ' +
      '`duplicate: true` when the key was counted before (then `accepted` is 0 and nothing is counted again)',
  })
  record(@Headers('idempotency-key') idempotencyKey: string | undefined, @Body() body: RecordUsageDto): Promise<UsageBatchResult> {
    return this.usage.recordBatch(idempotencyKey, body.records);
  }

  @Get()
  @ApiOperation({
    summary:
      'Usage per provider and per credential: the counters in the database and what this instance has pending (not yet flushed); ' +
      'and `spend`: requests, tokens and cost (USD from catalog prices) grouped by provider, model, credential, consumer key (`key`) and/or day from `from` to `to` ' +
      '(default: this month so far); counts are decimal strings',
  })
  async list(@Query() query: UsageQueryDto): Promise<WithMeta<UsageResource>> {
    const [providers, credentials, spend] = await Promise.all([
      this.usage.getUsage(),
      this.usage.getCredentialUsage(),
      this.usage.spend({ groupBy: query.groupBy, from: query.from, to: query.to, provider: query.provider }),
    ]);
    const pending = this.usage.pendingUsage();
    return new WithMeta(
      { providers, credentials, spend },
      { pendingEntries: pending.entries, pendingRequests: pending.requests.toString() },
    );
  }
}
