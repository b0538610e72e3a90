import { Body, Delete, Get, Header, Headers, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isBigintId } from '../../../common/bigint-id';
import { RequiresRole } from '../../auth/auth.guard';
import { ConsumerKeysService, InvalidInputError, type ConsumerKeyLimitsInput, type ConsumerKeyView } from '../../../registry';
import { CreateConsumerKeyDto } from './create-consumer-key.dto';
import { ApiController } from '../api-controller';
import { HeaderTarget, etagOf, versionOf } from '../providers/etag';
import { KeyLimitsDto } from './key-limits.dto';

/** A new consumer key as POST answers it: the key itself, this once, beside what lists show. */
export type CreatedConsumerKeyResource = ConsumerKeyView & { key: string };

@ApiTags('keys')
@ApiBearerAuth()
@ApiController('api/keys')
export class ConsumerKeysController {
  constructor(private readonly keys: ConsumerKeysService) {}

  @Get()
  @ApiOperation({ summary: 'Consumer keys of the gateway (/v1/*), revoked ones included: prefix, models, expiry, status; never a key' })
  list(): Promise<ConsumerKeyView[]> {
    return this.keys.list();
  }

  @Post()
  @RequiresRole('admin')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Create a consumer key; the answer holds the key (`key`), the only time it is ever shown' })
  async create(@Body() body: CreateConsumerKeyDto): Promise<CreatedConsumerKeyResource> {
    const { key, view } = await this.keys.create({
      name: body.name,
      models: body.models,
      expiresAt: body.expiresAt,
      limits: limitsOf(body),
    });
    return { ...view, key };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One live consumer key; its ETag versions it for a conditional PATCH (404 if none is live)' })
  @ApiOkResponse({ headers: { ETag: { description: 'Send it back as If-Match on PATCH', schema: { type: 'string' } } } })
  async get(@Param('id') id: string, @Res({ passthrough: true }) response: HeaderTarget): Promise<ConsumerKeyView> {
    const view = await this.keys.get(assertKeyId(id));
    response.header('ETag', etagOf(view.version));
    return view;
  }

  @Patch(':id')
  @RequiresRole('admin')
  @ApiOperation({ summary: "Change a live key's limits (null removes one) in one write; If-Match makes it conditional (412)" })
  @ApiHeader({ name: 'If-Match', description: 'The ETag of a GET: apply only if nothing changed since', required: false })
  async update(
    @Param('id') id: string,
    @Body() body: KeyLimitsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: HeaderTarget,
  ): Promise<ConsumerKeyView> {
    const view = await this.keys.updateLimits(assertKeyId(id), limitsOf(body), ifMatch === undefined ? undefined : versionOf(ifMatch));
    response.header('ETag', etagOf(view.version));
    return view;
  }

  @Delete(':id')
  @HttpCode(200)
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Revoke a consumer key: refused by every instance within the notification latency (404 if none is live)' })
  revoke(@Param('id') id: string): Promise<ConsumerKeyView> {
    return this.keys.revoke(assertKeyId(id));
  }
}

function assertKeyId(id: string): string {
  if (!isBigintId(id)) throw new InvalidInputError('id', 'must be a consumer key id (digits, at most 9223372036854775807)');
  return id;
}

/** Only the fields the body holds: left out stays left out (unchanged), null stays null (removed). */
function limitsOf(body: KeyLimitsDto): ConsumerKeyLimitsInput {
  const limits: ConsumerKeyLimitsInput = {};
  for (const field of ['rpm', 'tpm', 'maxParallel', 'budgetUsd', 'budgetWindow', 'budgetWarnAt'] as const) {
    if (body[field] !== undefined) (limits as Record<string, unknown>)[field] = body[field];
  }
  return limits;
}
