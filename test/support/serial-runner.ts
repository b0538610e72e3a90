import TestRunner from 'jest-runner';

/**
 * Jest's own runner, marked serial: jest runs these files one after another in its own process
 * (what --runInBand does), while the unit tier in the same run still uses workers. The embedded
 * test database is one backend session, so the database tiers must take turns on it.
 */
export default class SerialTestRunner extends TestRunner {
  override readonly isSerial = true;
}
