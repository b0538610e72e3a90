import { Body, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isBigintId } from '../../../common/bigint-id';
import { RequiresRole } from '../../auth/auth.guard';
import { ConsumerKeysService, InvalidInputError, type ConsumerKeyView } from '../../../registry';
import { CreateConsumerKeyDto } from './create-consumer-key.dto';
import { ApiController } from '../api-controller';

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
    const { key, view } = await this.keys.create({ name: body.name, models: body.models, expiresAt: body.expiresAt });
    return { ...view, key };
  }

  @Delete(':id')
  @HttpCode(200)
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Revoke a consumer key: refused by every instance within the notification latency (404 if none is live)' })
  revoke(@Param('id') id: string): Promise<ConsumerKeyView> {
    if (!isBigintId(id)) throw new InvalidInputError('id', 'must be a consumer key id (digits, at most 9223372036854775807)');
    return this.keys.revoke(id);
  }
}
