import { Body, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequiresRole } from '../../auth/auth.guard';
import { isBigintId } from '../../../common/bigint-id';
import { WithMeta } from '../../http/api-envelope';
import { CallsProviderWhenTested, ProviderCallsGuard } from '../../http/rate-limits';
import {
  CredentialNotFoundError,
  CredentialsService,
  HealthService,
  InvalidInputError,
  assertProviderName,
  type CredentialView,
} from '../../../registry';
import { HeaderTarget, etagOf, versionOf } from '../providers/etag';
import { StoreCredentialDto } from './store-credential.dto';
import { UpdateCredentialDto } from './update-credential.dto';
import { ApiController } from '../api-controller';

/** A credential as the API shows it: masked, never the secret, and without the free metadata JSON. */
export type CredentialResource = Omit<CredentialView, 'metadata'>;

function resource({ metadata: _metadata, ...view }: CredentialView): CredentialResource {
  return view;
}

@ApiTags('credentials')
@ApiBearerAuth()
@ApiController('api/providers/:provider/credentials')
export class CredentialsController {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly health: HealthService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The provider's credentials, masked" })
  async list(@Param('provider') provider: string): Promise<CredentialResource[]> {
    return (await this.credentials.list({ provider: assertProviderName(provider) })).map(resource);
  }

  @Post()
  @RequiresRole('admin')
  @CallsProviderWhenTested()
  @UseGuards(ProviderCallsGuard)
  @ApiOperation({ summary: 'Store (or replace) the credential of a type; ?test=true probes the provider after storing (meta.test)' })
  @ApiQuery({ name: 'test', required: false, enum: ['true', 'false'] })
  async store(
    @Param('provider') provider: string,
    @Body() body: StoreCredentialDto,
    @Query('test') test?: string,
  ): Promise<WithMeta<CredentialResource>> {
    if (test !== undefined && test !== 'true' && test !== 'false') throw new InvalidInputError('test', 'must be true or false');
    const stored = resource(await this.credentials.store(provider, body));
    return new WithMeta(stored, test === 'true' ? { test: await this.health.check(provider) } : {});
  }

  @Get(':id')
  @ApiOperation({ summary: 'One credential, masked; its ETag versions it for a conditional PATCH' })
  @ApiOkResponse({ headers: { ETag: { description: 'Send it back as If-Match on PATCH', schema: { type: 'string' } } } })
  async get(
    @Param('provider') provider: string,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: HeaderTarget,
  ): Promise<CredentialResource> {
    const credential = await this.find(provider, id);
    response.header('ETag', etagOf(await this.credentials.version(provider, credential.credentialType)));
    return resource(credential);
  }

  @Patch(':id')
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Replace the secret, change UI metadata, active flag or expiry; If-Match makes it conditional (412)' })
  @ApiHeader({ name: 'If-Match', description: 'The ETag of a GET: apply only if nothing changed since', required: false })
  async update(
    @Param('provider') provider: string,
    @Param('id') id: string,
    @Body() body: UpdateCredentialDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: HeaderTarget,
  ): Promise<CredentialResource> {
    const credential = await this.find(provider, id);
    const { version, ...updated } = await this.credentials.update(
      provider,
      credential.credentialType,
      body,
      ifMatch === undefined ? undefined : versionOf(ifMatch),
    );
    response.header('ETag', etagOf(version));
    return resource(updated);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Remove a credential' })
  async remove(@Param('provider') provider: string, @Param('id') id: string): Promise<{ removed: string }> {
    const credential = await this.find(provider, id);
    await this.credentials.remove(provider, credential.credentialType);
    return { removed: id };
  }

  private async find(provider: string, id: string): Promise<CredentialView> {
    if (!isBigintId(id)) throw new InvalidInputError('id', 'must be a credential id (digits, at most 9223372036854775807)');
    const credential = (await this.credentials.list({ provider: assertProviderName(provider) })).find((c) => c.id === id);
    if (!credential) throw new CredentialNotFoundError(provider, `#${id}`);
    return credential;
  }
}
