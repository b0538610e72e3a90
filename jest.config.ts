import type { Config } from 'jest';

// TZ is pinned so date arithmetic in tests is deterministic; globalSetup prepares the test database.
process.env.TZ = 'UTC';

const config: Config = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  // The example host app imports the package by name, as a real host would.
  moduleNameMapper: { '^ai-provider-registry$': '<rootDir>/src/index.ts' },
  testRegex: '.*\\.spec\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  // The embedded test database is one backend session: files must take turns on it.
  maxWorkers: process.env.TEST_DATABASE_URL ? 2 : 1,
};

export default config;
