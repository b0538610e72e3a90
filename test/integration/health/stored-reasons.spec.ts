import { CredentialsService } from '../../../src/registry/credentials/credentials.service';
import { HealthService } from '../../../src/registry/health/active/health.service';
import { FakeProviderServer, keyLeaks } from '../../support/fake-provider-server';
import { freshRegistryEachTest } from '../../support/registry-app';

/** Not shaped like any known key, so nothing but the removal of its pieces can keep it out. */
const KEY = 'Zq7Xw2Lm9PzR4tVb8Nc1Wd6Yf3Hg5Jk0Ls-Tu9eQ4';

/** How servers were seen echoing a wrong key, and where in their answer. */
const ECHOES: Record<string, (presented: string) => string | object> = {
  last20InMessage: (k) => ({
    error: { message: `Incorrect API key provided: ...${k.slice(-20)}`, type: 'invalid_request_error', code: 'invalid_api_key' },
  }),
  middle24UpperInMessage: (k) => ({ error: { message: `key ${k.slice(8, 32).toUpperCase()} unknown` } }),
  base64InType: (k) => ({ error: { type: Buffer.from(k.slice(-20)).toString('base64'), code: 'bad_key' } }),
  basicInCode: (k) => ({ error: { code: Buffer.from(`apikey:${k}`).toString('base64') } }),
  hexPlainText: (k) => `denied for ${Buffer.from(k.slice(4, 20)).toString('hex')}`,
  urlEncodedPlainText: (k) => `denied for ${encodeURIComponent(k.slice(2, 30))}`,
};

/**
 * What a pg_dump of the health tables would hold after probes against servers echoing pieces of the
 * key: last_error and every history row, checked by brute force for every 8-character piece of the
 * key in every encoding.
 */
describe('stored health reasons hold no piece of the key', () => {
  const registry = freshRegistryEachTest();
  const fake = new FakeProviderServer();

  beforeAll(() => fake.start());
  afterAll(() => fake.close());

  it('in last_error and the history, whatever the provider echoed', async () => {
    let echo = ECHOES.last20InMessage;
    const fp = fake.add('openai', { kind: 'openai', apiKey: 'the-right-key', authErrorBody: (presented) => echo(presented) });
    const app = await registry.start();
    await app.get(CredentialsService).store('openai', { apiKey: KEY, baseUrl: fp.baseUrl });

    const reasons: string[] = [];
    for (const name of Object.keys(ECHOES)) {
      echo = ECHOES[name];
      const result = await app.get(HealthService).check('openai');
      expect(result).toMatchObject({ status: 'unhealthy', probed: true });
      reasons.push(result.reason ?? '');
    }
    expect(fp.requests().map((r) => r.headers.authorization)).toEqual(Object.keys(ECHOES).map(() => `Bearer ${KEY}`));
    expect(reasons[0]).toBe('auth failed: HTTP 401 (invalid_request_error, invalid_api_key)');

    const dump: Array<{ row: string }> = await app.dataSource.query(
      `SELECT row_to_json(p)::text AS row FROM provider_configs p
       UNION ALL SELECT row_to_json(h)::text FROM provider_health_checks h`,
    );
    const rows = dump.map((d) => d.row);
    expect(rows.filter((row) => row.includes('auth failed'))).toHaveLength(Object.keys(ECHOES).length + 1);
    expect(rows.map((row) => keyLeaks(row, KEY)).filter((found) => found.length > 0)).toEqual([]);
  });
});
