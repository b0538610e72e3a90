import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { exitWithError } from './src/common/exit-with-error';
import { createAppLogger } from './src/common/logging/app-logger';
import { TOOL_VARIABLES, loadConfig, loadDotEnv } from './src/config/load-config';
import { openToolDataSource } from './src/database/tool-data-source';

/**
 * The TypeORM CLI (`npm run migration:*`) loads this file; it uses the same options factory as the
 * app, reads only the variables a tool needs, and ends with one line on errors we can explain (the
 * CLI itself would print them with a stack trace).
 */
async function cliDataSource(): Promise<DataSource> {
  loadDotEnv();
  const config = loadConfig(process.env, { only: TOOL_VARIABLES });
  Logger.overrideLogger(createAppLogger(config.LOG_LEVEL));
  return openToolDataSource(config, `typeorm ${process.argv.slice(2).join(' ')}`.trim(), { onInitializeError: exitWithError });
}

export default cliDataSource().catch(exitWithError);
