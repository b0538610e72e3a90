import { Body, Get, Header, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresRole } from '../../auth/auth.guard';
import { SerializedEnvelope, WithMeta } from '../../http/api-envelope';
import { SerializedAnswers } from '../../http/serialized-answers';
import { ProviderConfigService, assertProviderName } from '../../../registry';
import { HeaderTarget, etagOf, versionOf } from './etag';
import { paginate } from './paginate';
import { ProviderQueryDto } from './provider-query.dto';
import { ProviderResource, ProviderViews } from './provider-views';
import { UpdateProviderDto } from './update-provider.dto';
import { ApiController } from '../api-controller';

@ApiTags('providers')
@ApiBearerAuth()
@ApiController('api/providers')
export class ProvidersController {
  /** The console and every dashboard poll the list: requests that share a read and a query share its bytes. */
  private readonly pages = new SerializedAnswers<readonly ProviderResource[], ProviderQueryDto>();

  constructor(
    private readonly views: ProviderViews,
    private readonly configs: ProviderConfigService,
  ) {}

  @Get()
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'Providers, preferred first, with health, availability and masked credentials' })
  async list(@Query() query: ProviderQueryDto): Promise<SerializedEnvelope> {
    const read = await this.views.list(query.modelType);
    return this.pages.get(read, query, () => this.page(read, query));
  }

  private page(read: readonly ProviderResource[], query: ProviderQueryDto): WithMeta<ProviderResource[]> {
    const search = query.q?.trim().toLowerCase();
    const all = read.filter(
      (p) =>
        (query.enabled === undefined || p.enabled === query.enabled) &&
        (query.health === undefined || p.health.status === query.health) &&
        (query.available === undefined || p.availability.available === query.available) &&
        (!search || p.provider.includes(search) || p.displayName.toLowerCase().includes(search)),
    );
    const { page, nextCursor } = paginate(all, (p) => p.provider, query.limit, query.cursor);
    return new WithMeta(page, { total: all.length, limit: query.limit, nextCursor });
  }

  @Get(':provider')
  @ApiOperation({ summary: 'One provider; its ETag versions the operator settings for a conditional PATCH' })
  @ApiOkResponse({ headers: { ETag: { description: 'Send it back as If-Match on PATCH', schema: { type: 'string' } } } })
  async get(@Param('provider') provider: string, @Res({ passthrough: true }) response: HeaderTarget): Promise<ProviderResource> {
    const slug = assertProviderName(provider);
    const [resource, version] = await Promise.all([this.views.get(slug), this.configs.version(slug)]);
    response.header('ETag', etagOf(version));
    return resource;
  }

  @Patch(':provider')
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Change enabled, the priority override or UI preferences, in one write; If-Match makes it conditional (412)' })
  @ApiHeader({ name: 'If-Match', description: 'The ETag of a GET: apply only if nothing changed since', required: false })
  async update(
    @Param('provider') provider: string,
    @Body() body: UpdateProviderDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: HeaderTarget,
  ): Promise<ProviderResource> {
    const slug = assertProviderName(provider);
    const version = await this.configs.updateSettings(slug, body, ifMatch === undefined ? undefined : versionOf(ifMatch));
    response.header('ETag', etagOf(version));
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
