import { Get, HttpException, HttpStatus } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/auth.guard';
import { Readiness, ReadinessService } from '../../probes/readiness.service';
import { ApiController } from '../api-controller';

/** The readiness probe: the service's answer, or 503 naming what is not ready. */
@ApiTags('health')
@ApiController('readyz')
export class ReadinessController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Readiness (no auth): database reachable, migrations applied, snapshot loaded; 503 otherwise' })
  async check(): Promise<Readiness> {
    const readiness = await this.readiness.check();
    if (!readiness.database || !readiness.migrations || !readiness.snapshot) {
      throw new HttpException({ message: `not ready: ${JSON.stringify(readiness)}` }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return readiness;
  }
}
