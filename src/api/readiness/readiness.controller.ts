import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../../auth/auth.guard';
import { RegistryStateService } from '../../providers/selection/registry-state.service';

export interface Readiness {
  database: boolean;
  migrations: boolean;
  snapshot: boolean;
}

/** Ready to serve: the database answers, no migration is pending, the registry's snapshot is loaded. */
@ApiTags('health')
@Controller('readyz')
export class ReadinessController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly state: RegistryStateService,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Readiness (no auth): database reachable, migrations applied, snapshot loaded; 503 otherwise' })
  async check(): Promise<Readiness> {
    const database = await this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    const migrations = database && !(await this.dataSource.showMigrations().catch(() => true));
    const readiness = { database, migrations, snapshot: this.state.loaded };
    if (!readiness.database || !readiness.migrations || !readiness.snapshot) {
      throw new HttpException({ message: `not ready: ${JSON.stringify(readiness)}` }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return readiness;
  }
}
