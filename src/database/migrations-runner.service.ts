import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { COORDINATION, Coordination } from '../registry/kernel/coordination';

/** Runs pending migrations at start, under a lock so replicas starting together do not race. */
@Injectable()
export class MigrationsRunner implements OnModuleInit {
  private readonly logger = new Logger(MigrationsRunner.name);

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(COORDINATION) private readonly coordination: Coordination,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.MIGRATIONS_RUN) {
      this.logger.log('MIGRATIONS_RUN=false: not running migrations at start');
      return;
    }
    const applied = await this.coordination.withLock('ai-registry:migrations', () =>
      this.dataSource.runMigrations({ transaction: 'each' }),
    );
    this.logger.log(
      applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}` : 'Schema is up to date',
    );
  }
}
