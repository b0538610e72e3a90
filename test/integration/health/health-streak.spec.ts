import { HealthService } from '../../../src/registry/health/active/health.service';
import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { FakeProviderServer } from '../../support/fake-provider-server';
import { RegistryContext, startRegistry } from '../../support/registry-app';
import { TestDatabase, createTestDatabase } from '../../support/test-database';

const KEY = 'sk-proj-streak0123456789abcdefghij';

describe('health failure streak under concurrent checks', () => {
  const fake = new FakeProviderServer();
  let db: TestDatabase;
  let registry: RegistryContext;

  beforeAll(async () => {
    await fake.start();
    db = await createTestDatabase();
    registry = await startRegistry(db, { HEALTH_UNHEALTHY_AFTER: '2' });
  });

  afterAll(async () => {
    await registry.close();
    await db.drop();
    await fake.close();
  });

  it('counts every failure when two checks of one provider overlap (compare-and-set, no lost update)', async () => {
    const openai = fake.add('streak-openai', { kind: 'openai', apiKey: KEY, mode: { type: 'server_error', status: 503 } });
    await registry.get(CredentialsService).store('openai', { apiKey: KEY, baseUrl: openai.baseUrl });
    const health = registry.get(HealthService);
    // Both read a streak of 0 before either writes; without compare-and-set both would write 1.
    const [a, b] = await Promise.all([health.check('openai'), health.check('openai')]);
    expect([a.consecutiveFailures, b.consecutiveFailures].sort()).toEqual([1, 2]);
    const [row] = await registry.dataSource.query(
      `SELECT health_status, consecutive_failures FROM provider_configs WHERE provider = 'openai'`,
    );
    expect(row).toEqual({ health_status: 'unhealthy', consecutive_failures: 2 });
    const [{ n }] = await registry.dataSource.query(`SELECT count(*)::int AS n FROM provider_health_checks`);
    expect(n).toBe(2);
  });
});
