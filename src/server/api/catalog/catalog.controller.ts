import { Body, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { RequiresRole } from '../../auth/auth.guard';
import { CatalogSyncService, type SyncResult } from '../../../registry';
import { OptionalNotNull } from '../dto-rules/presence';
import { ApiController } from '../api-controller';

export class CatalogSyncDto {
  @ApiPropertyOptional({ default: false, description: 'Return the diff without writing anything.' })
  @OptionalNotNull()
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Disable (never delete) providers that left the catalog.' })
  @OptionalNotNull()
  @IsBoolean({ message: 'prune must be true or false' })
  prune?: boolean;
}

@ApiTags('catalog')
@ApiBearerAuth()
@ApiController('api/catalog')
export class CatalogController {
  constructor(private readonly sync: CatalogSyncService) {}

  @Post('sync')
  @HttpCode(200)
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Write the catalog file into the registry (or, with dryRun, only show the diff)' })
  run(@Body() body: CatalogSyncDto): Promise<SyncResult> {
    return this.sync.sync(body);
  }
}
