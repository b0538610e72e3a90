import { DataSource } from 'typeorm';
import { TestApp, startTestApp } from '../../support/test-app';

const ADMIN = 'bootstrap-admin-token-for-tests-0123456789abcdef';

interface ProviderList {
  data: Array<{ provider: string; enabled: boolean; displayNameOverride: string | null }>;
  meta: { total: number };
}

/**
 * GET /api/providers under a steady poll, where lists asked for at once share a read: each still
 * shows every write committed before it was asked, here by another writer than the app (as another
 * instance would). SharedReads' spec shows the rule itself (a late caller never gets the read in flight).
 */
describe('GET /api/providers while many poll it', () => {
  let testApp: TestApp | undefined;
  let outside: DataSource;
  let base: string;
  const list = async (query = '') => {
    const response = await fetch(`${base}/api/providers${query}`, { headers: { Authorization: `Bearer ${ADMIN}` } });
    return { status: response.status, body: (await response.json()) as ProviderList };
  };

  beforeAll(async () => {
    testApp = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: ADMIN }, { listen: true });
    base = testApp.url!;
    outside = await testApp.db.dataSource();
  });

  afterAll(() => testApp?.close());

  it('every list asked for after a write committed shows it, while eight pollers keep reads going', async () => {
    let polling = true;
    let polled = 0;
    const pollers = Array.from({ length: 8 }, async () => {
      while (polling) {
        expect((await list()).status).toBe(200);
        polled++;
      }
    });
    try {
      for (let i = 1; i <= 20; i++) {
        const name = `OpenAI (write ${i})`;
        await outside.query(`UPDATE provider_configs SET display_name_override = $1 WHERE provider = 'openai'`, [name]);
        const [first, second] = await Promise.all([list(), list()]);
        for (const response of [first, second]) {
          expect(response.status).toBe(200);
          expect(response.body.data.find((p) => p.provider === 'openai')?.displayNameOverride).toBe(name);
        }
      }
    } finally {
      polling = false;
      await Promise.all(pollers);
    }
    expect(polled).toBeGreaterThan(20);
  });

  it('a filtered, paged list is cut from the shared one without changing it for the others', async () => {
    const [all, enabledOnly, firstPage] = await Promise.all([list(), list('?enabled=true'), list('?limit=1')]);
    expect(all.body.meta.total).toBeGreaterThan(1);
    expect(firstPage.body.data).toHaveLength(1);
    expect(firstPage.body.data[0].provider).toBe(all.body.data[0].provider);
    expect(enabledOnly.body.data.every((p) => p.enabled)).toBe(true);
    const again = await list();
    expect(again.body.data).toEqual(all.body.data);
  });
});
