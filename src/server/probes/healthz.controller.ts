import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DATABASE_TARGET } from '../../database/database.module';
import type { DatabaseTarget } from '../../database/database-target';

/**
 * Liveness of this instance and its database; the providers' own health lives elsewhere. Not an
 * ApiController: no token, terminus's own format, which orchestrators read.
 */
@Controller('healthz')
export class HealthzController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(DATABASE_TARGET) private readonly target: DatabaseTarget,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const result = await this.db.pingCheck('database', { timeout: 3000 });
        return { database: { ...result.database, kind: this.target.kind } };
      },
    ]);
  }
}
