import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AvailabilityService,
  ModelSelectionService,
  UnknownProviderError,
  assertProviderName,
  type Availability,
  type AvailableModel,
  type Selection,
} from '../../../registry';
import { ModelTypeQueryDto, SelectModelDto } from './select-model.dto';
import { ApiController } from '../api-controller';

@ApiTags('models')
@ApiBearerAuth()
@ApiController('api')
export class ModelsController {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly selection: ModelSelectionService,
  ) {}

  @Get('models')
  @ApiOperation({ summary: 'Models of every available provider, preferred providers first' })
  models(@Query() query: ModelTypeQueryDto): AvailableModel[] {
    return this.availability.getAvailableModels(query.type);
  }

  @Get('providers/:provider/models')
  @ApiOperation({ summary: "The provider's models of a type, with whether it can serve them now" })
  providerModels(
    @Param('provider') provider: string,
    @Query() query: ModelTypeQueryDto,
  ): { availability: Availability; models: AvailableModel[] } {
    const slug = assertProviderName(provider);
    const availability = this.availability.isProviderAvailable(slug, query.type);
    if (!availability.available && availability.reason === 'unknown_provider') throw new UnknownProviderError(slug);
    return { availability, models: this.availability.getAvailableModels(query.type).filter((m) => m.provider === slug) };
  }

  @Post('models/select')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which provider and model a request should use, and why earlier candidates were skipped (409 if none)' })
  select(@Body() body: SelectModelDto): Selection {
    return this.selection.select(body);
  }
}
