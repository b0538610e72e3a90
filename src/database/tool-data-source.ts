import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { explainConnectError, explainDataDirError } from './database-errors';
import { DatabaseTarget, openDatabaseTarget } from './database-target';

export interface ToolDataSourceOptions {
  /**
   * Called instead of throwing when initialize() fails, with the error made readable (a DomainError
   * for a database that cannot be reached). The TypeORM CLI prints what it catches with its stack,
   * so ormconfig.ts ends the command with one line here instead.
   */
  onInitializeError?: (error: unknown) => never;
}

/** A DataSource that also closes what it opened (an owned embedded folder) when destroyed. */
class TargetDataSource extends DataSource {
  constructor(
    private readonly target: DatabaseTarget,
    private readonly tool: ToolDataSourceOptions,
  ) {
    super(buildDataSourceOptions(target.url, { embedded: target.kind === 'embedded', poolSize: 4 }));
  }

  override async initialize(): Promise<this> {
    try {
      return await super.initialize();
    } catch (error) {
      await this.target.close().catch(() => undefined);
      const explained =
        explainConnectError(error, this.target.url, this.target.kind === 'postgres' ? 'DATABASE_URL' : 'the embedded database') ?? error;
      if (this.tool.onInitializeError) this.tool.onInitializeError(explained);
      throw explained;
    }
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
export async function openToolDataSource(config: AppConfig, command: string, options: ToolDataSourceOptions = {}): Promise<DataSource> {
  let target: DatabaseTarget;
  try {
    target = await openDatabaseTarget(config, 'tool', command);
  } catch (error) {
    throw explainDataDirError(error, config.DATA_DIR) ?? error;
  }
  return new TargetDataSource(target, options);
}
