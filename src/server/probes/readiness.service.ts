import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MigrationExecutor } from 'typeorm';
import { RegistryStateService } from '../../registry';

export interface Readiness {
  database: boolean;
  migrations: boolean;
  snapshot: boolean;
}

/** Whether this instance can serve: the database answers, no migration is pending, the registry's snapshot is loaded. */
@Injectable()
export class ReadinessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly state: RegistryStateService,
  ) {}

  async check(): Promise<Readiness> {
    const { database, migrations } = await this.checkDatabase();
    return { database, migrations, snapshot: this.state.loaded };
  }

  /**
   * On one connection of our own, released whatever happens: DataSource.showMigrations() releases
   * its connection only on success, so every failed probe kept one and a few emptied the pool.
   * The pending migrations are read without creating the migrations table (showMigrations would).
   */
  private async checkDatabase(): Promise<Pick<Readiness, 'database' | 'migrations'>> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const database = await runner.query('SELECT 1').then(
        () => true,
        () => false,
      );
      if (!database) return { database, migrations: false };
      const pending = await new MigrationExecutor(this.dataSource, runner).getPendingMigrations().catch(() => undefined);
      return { database, migrations: pending?.length === 0 };
    } finally {
      await runner.release();
    }
  }
}
