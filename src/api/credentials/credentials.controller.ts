import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresRole } from '../../auth/auth.guard';
import type { CredentialView } from '../../providers/credentials/credential.types';
import { CredentialsService } from '../../providers/credentials/credentials.service';
import { assertProviderName } from '../../providers/provider-configs/provider-input.rules';
import { CredentialNotFoundError, InvalidInputError } from '../../providers/providers.errors';
import { StoreCredentialDto } from './store-credential.dto';

/** A credential as the API shows it: masked, never the secret, and without the free metadata JSON. */
export type CredentialResource = Omit<CredentialView, 'metadata'>;

function resource({ metadata: _metadata, ...view }: CredentialView): CredentialResource {
  return view;
}

@ApiTags('credentials')
@ApiBearerAuth()
@Controller('api/providers/:provider/credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Get()
  @ApiOperation({ summary: "The provider's credentials, masked" })
  async list(@Param('provider') provider: string): Promise<CredentialResource[]> {
    return (await this.credentials.list({ provider: assertProviderName(provider) })).map(resource);
  }

  @Post()
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Store (or replace) the credential of a type; the answer shows it masked' })
  async store(@Param('provider') provider: string, @Body() body: StoreCredentialDto): Promise<CredentialResource> {
    return resource(await this.credentials.store(provider, body));
  }

  @Delete(':id')
  @HttpCode(200)
  @RequiresRole('admin')
  @ApiOperation({ summary: 'Remove a credential' })
  async remove(@Param('provider') provider: string, @Param('id') id: string): Promise<{ removed: string }> {
    if (!/^\d{1,19}$/.test(id)) throw new InvalidInputError('id', 'must be a credential id (digits)');
    const credential = (await this.credentials.list({ provider: assertProviderName(provider) })).find((c) => c.id === id);
    if (!credential) throw new CredentialNotFoundError(provider, `#${id}`);
    await this.credentials.remove(provider, credential.credentialType);
    return { removed: id };
  }
}
