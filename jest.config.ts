import type { Config } from 'jest';

// TZ is pinned so date arithmetic in tests is deterministic.
process.env.TZ = 'UTC';

const onRealPostgres = Boolean(process.env.TEST_DATABASE_URL?.trim());

const shared = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  // The example host app imports the package by name, as a real host would.
  moduleNameMapper: { '^ai-provider-registry$': '<rootDir>/src/index.ts' },
  testRegex: '.*\\.spec\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
};

/**
 * The tiers that need the test database: globalSetup migrates a template on a real PostgreSQL (each
 * file clones it) or opens one embedded PGlite per worker (jest runs it once, whichever tiers are
 * selected, and only when one of them has a file to run).
 */
const database = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/** The tiers that run the built server (dist/main.js): the same, with the build brought up to date first. */
const built = { ...database, globalSetup: '<rootDir>/test/support/global-setup-built.ts' };

const config: Config = {
  testTimeout: 60_000,
  maxWorkers: 2,
  projects: [
    // Pure: no database, no server of ours, no child process (specs beside the code, and test/unit).
    { ...shared, displayName: 'unit', roots: ['<rootDir>/src', '<rootDir>/test/unit'] },
    // In this process on a real database: services, the Nest app under supertest, the CLI's commands.
    { ...shared, ...database, displayName: 'integration', roots: ['<rootDir>/test/integration'] },
    // Spawns a server, the CLI, a fixture or npm: real processes (the built server and CLI from dist/, harnesses through ts-node).
    { ...shared, ...built, displayName: 'process', roots: ['<rootDir>/test/process'] },
    // Several server processes on one PostgreSQL, straight and through PgBouncer (skipped on the embedded database).
    { ...shared, ...(onRealPostgres ? built : {}), displayName: 'scale', roots: ['<rootDir>/test/scale'] },
    // The admin console in headless Chromium.
    { ...shared, ...built, displayName: 'browser', roots: ['<rootDir>/test/browser'] },
  ],
};

export default config;
