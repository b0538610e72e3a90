import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiTokenRepository } from '../../../src/server/auth/api-token.repository';
import { ApiTokensService } from '../../../src/server/auth/api-tokens.service';
import { TestApp, startTestApp } from '../../support/test-app';

/**
 * A token's verification is remembered for API_TOKEN_CACHE_MS; when it runs out, every request a
 * client has in flight misses at once. They share the lookups instead of one query each.
 */
describe('API token lookups', () => {
  let testApp: TestApp | undefined;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    // Nothing remembered: every authentication is a lookup.
    testApp = await startTestApp({ API_TOKEN_CACHE_MS: '0' });
    app = testApp.app;
  });

  afterAll(() => testApp?.close());

  it('authentications of one token at once share its lookups; a revoke before they ask still refuses them', async () => {
    const tokens = app.get(ApiTokensService);
    const { token } = await tokens.create('poller', 'viewer');
    const lookups = jest.spyOn(app.get(ApiTokenRepository), 'findUsableByHash');
    try {
      const principals = await Promise.all(Array.from({ length: 20 }, () => tokens.authenticate(token)));
      expect(principals).toEqual(Array(20).fill({ name: 'poller', role: 'viewer' }));
      // The first asks at once; the others share the one begun after they asked (SharedReads): 2, not 20.
      expect(lookups).toHaveBeenCalledTimes(2);

      await tokens.revoke('poller');
      const refused = await Promise.allSettled(Array.from({ length: 5 }, () => tokens.authenticate(token)));
      expect(refused.map((outcome) => outcome.status)).toEqual(Array(5).fill('rejected'));
      expect(lookups).toHaveBeenCalledTimes(4);
    } finally {
      lookups.mockRestore();
    }
  });
});
