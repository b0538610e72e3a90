import { Logger } from '@nestjs/common';

/**
 * Every test file starts with Nest's logger silent, as registry-app.ts does for the apps it builds:
 * code under test that logs outside an app (a DataSource's TypeORM logger, the embedded database)
 * would otherwise print between jest's results. captureLogs() still records every call, and
 * TEST_LOGS=1 prints them.
 */
Logger.overrideLogger(process.env.TEST_LOGS ? ['log', 'warn', 'error'] : false);
