import { FakeProvider, FakeProviderServer } from '../support/fake-provider-server';
import { waitFor } from '../support/server-process';
import { describeOnRealPostgres } from '../support/test-database';
import { Instance, OPENAI_KEY, startInstance, stopInstance } from '../support/instances';
import { MODES, ModeDatabase, openModeDatabase } from './modes';
import { printFigure } from '../support/print-figure';

/** A gateway call with a consumer key, its status. */
async function chat(instance: Instance, key: string): Promise<number> {
  const response = await fetch(`${instance.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

describeOnRealPostgres('several instances on one PostgreSQL: the gateway', 'needs several real sessions', () => {
  describe.each(MODES)('%s', (mode) => {
    let database: ModeDatabase;
    let fakes: FakeProviderServer;
    let openai: FakeProvider;
    let instances: Instance[] = [];

    beforeAll(async () => {
      fakes = new FakeProviderServer();
      await fakes.start();
      openai = fakes.add('openai', { kind: 'openai', apiKey: OPENAI_KEY });
      database = await openModeDatabase(mode);
      const options = { databaseUrl: database.databaseUrl, directUrl: database.directUrl };
      instances = await Promise.all([startInstance(options), startInstance(options)]);
      const stored = await instances[0].api('POST', '/api/providers/openai/credentials', { apiKey: OPENAI_KEY, baseUrl: openai.baseUrl });
      expect(stored.status).toBe(201);
    }, 240_000);

    afterAll(async () => {
      await Promise.all(instances.map((instance) => stopInstance(instance)));
      await fakes?.close();
      await database?.close();
    });

    it('a key revoked through one instance is refused by the other within the notification latency', async () => {
      const created = await instances[0].api<{ data: { id: string; key: string } }>('POST', '/api/keys', { name: `revoke-${mode}` });
      const { id, key } = created.body.data;
      // The other instance learns of the new key the same way.
      await waitFor('the key on the second instance', async () => ((await chat(instances[1], key)) === 200 ? true : undefined), 10_000);
      const revoked = Date.now();
      expect((await instances[0].api('DELETE', `/api/keys/${id}`)).status).toBe(200);
      expect(await chat(instances[0], key)).toBe(401);
      await waitFor('the revoke on the second instance', async () => ((await chat(instances[1], key)) === 401 ? true : undefined), 10_000);
      printFigure(`${mode}: a revoked consumer key was refused by the other instance ${Date.now() - revoked} ms after the revoke`);
    });

    it('a provider key replaced through one instance is the one the other sends next', async () => {
      const rotated = `${OPENAI_KEY}-rotated`;
      const next = fakes.add(`openai-next-${mode}`, { kind: 'openai', apiKey: rotated });
      const { key } = (await instances[0].api<{ data: { key: string } }>('POST', '/api/keys', { name: `rotate-${mode}` })).body.data;
      await waitFor('the key on the second instance', async () => ((await chat(instances[1], key)) === 200 ? true : undefined), 10_000);
      expect((await instances[0].api('POST', '/api/providers/openai/credentials', { apiKey: rotated, baseUrl: next.baseUrl })).status).toBe(
        201,
      );
      await waitFor('the second instance calling with the new key', async () => {
        await chat(instances[1], key);
        return next.requests().some((r) => r.method === 'POST' && r.headers.authorization === `Bearer ${rotated}`) ? true : undefined;
      });
    });
  });
});
