import { Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../../auth/auth.guard';
import type { Principal } from '../../auth/api-tokens.service';
import { UnauthenticatedError } from '../../auth/auth.errors';
import { ApiController } from '../api-controller';

@ApiTags('auth')
@ApiBearerAuth()
@ApiController('api/auth')
export class WhoamiController {
  @Get('whoami')
  @ApiOperation({ summary: "The calling token's name and role, so a client can tell what it may do (viewer reads, admin writes)" })
  whoami(@Req() request: AuthenticatedRequest): Principal {
    // The guard has set it on every non-public route; its absence would be a wiring bug, answered 401.
    const { principal } = request.raw;
    if (!principal) throw new UnauthenticatedError('an API token is required: Authorization: Bearer <token>');
    return { name: principal.name, role: principal.role };
  }
}
