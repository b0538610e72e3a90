import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresRole } from '../../auth/auth.guard';
import { WithMeta } from '../../http/api-envelope';
import { ProviderConfigService } from '../../providers/provider-configs/provider-config.service';
import { assertProviderName } from '../../providers/provider-configs/provider-input.rules';
import { paginate } from './paginate';
import { ProviderQueryDto } from './provider-query.dto';
import { ProviderResource, ProviderViews } from './provider-views';
import { UpdateProviderDto } from './update-provider.dto';

@ApiTags('providers')
@ApiBearerAuth()
@Controller('api/providers')
export class ProvidersController {
  constructor(
    private readonly views: ProviderViews,
    private readonly configs: ProviderConfigService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Providers, preferred first, with health, availability and masked credentials' })
  async list(@Query() query: ProviderQueryDto): Promise<WithMeta<ProviderResource[]>> {
    const all = (await this.views.list(query.modelType)).filter(
      (p) =>
        (query.enabled === undefined || p.enabled === query.enabled) &&
        (query.health === undefined || p.health.status === query.health) &&
        (query.available === undefined || p.availability.available === query.available),
    );
    const { page, nextCursor } = paginate(all, (p) => p.provider, query.limit, query.cursor);
    return new WithMeta(page, { total: all.length, limit: query.limit, nextCursor });
  }

  @Get(':provider')
  @ApiOperation({ summary: 'One provider' })
  get(@Param('provider') provider: string): Promise<ProviderResource> {
    return this.views.get(assertProviderName(provider));
  }

  @Patch(':provider')
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Change enabled, the priority override or UI preferences' })
  async update(@Param('provider') provider: string, @Body() body: UpdateProviderDto): Promise<ProviderResource> {
    const slug = assertProviderName(provider);
    if (body.uiPreferences !== undefined) await this.configs.updateUIPreferences(slug, body.uiPreferences);
    if (body.priority !== undefined) await this.configs.setPriority(slug, body.priority);
    if (body.enabled === true) await this.configs.enable(slug);
    if (body.enabled === false) await this.configs.disable(slug);
    return this.views.get(slug);
  }

  @Post(':provider/enable')
  @HttpCode(200)
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Switch the provider on (operator intent)' })
  async enable(@Param('provider') provider: string): Promise<ProviderResource> {
    await this.configs.enable(assertProviderName(provider));
    return this.views.get(provider);
  }

  @Post(':provider/disable')
  @HttpCode(200)
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Switch the provider off (operator intent)' })
  async disable(@Param('provider') provider: string): Promise<ProviderResource> {
    await this.configs.disable(assertProviderName(provider));
    return this.views.get(provider);
  }
}
