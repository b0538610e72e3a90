import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { DatabaseTarget, openDatabaseTarget } from './database-target';

/** A DataSource that also closes what it opened (an owned embedded folder) when destroyed. */
class TargetDataSource extends DataSource {
  constructor(
    private readonly target: DatabaseTarget,
    options: ReturnType<typeof buildDataSourceOptions>,
  ) {
    super(options);
  }

  override async destroy(): Promise<void> {
    try {
      if (this.isInitialized) await super.destroy();
    } finally {
      await this.target.close();
    }
  }
}

/**
 * The data source of our command-line tools (TypeORM CLI now, the admin CLI later). On the embedded
 * database it goes through the running server's socket when there is one, else owns the folder.
 */
export async function openToolDataSource(config: AppConfig, command: string): Promise<DataSource> {
  const target = await openDatabaseTarget(config, 'tool', command);
  return new TargetDataSource(target, buildDataSourceOptions(target.url, { embedded: target.kind === 'embedded', poolSize: 4 }));
}
