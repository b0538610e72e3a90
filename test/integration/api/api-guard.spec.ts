import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { servedRoutes } from '../../support/served-routes';
import { TestApp, startTestApp } from '../../support/test-app';

/** A value for each path parameter, so the route itself is reached. */
const PARAMS: Record<string, string> = { provider: 'openai', id: '1' };

/**
 * The API's stack is bound per controller (ApiController), not globally: this walks every route the
 * server serves under /api and checks that none answers without a token, so a controller declared
 * with a plain @Controller anywhere in the app cannot slip through.
 */
describe('every /api route needs a token', () => {
  let testApp: TestApp | undefined;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    // Failed authentications from one address are not what this looks at.
    testApp = await startTestApp({ API_AUTH_FAILURES_PER_MINUTE: '100000' });
    app = testApp.app;
  });

  afterAll(() => testApp?.close());

  it('answers 401 in the envelope on each, the docs aside', async () => {
    const routes = servedRoutes(app.getHttpAdapter().getInstance())
      .filter(({ path }) => path.startsWith('/api/') && !path.startsWith('/api/docs'))
      .flatMap(({ path, methods }) => methods.filter((method) => method !== 'HEAD').map((method) => ({ method, path })));
    expect(routes.length).toBeGreaterThan(20);
    const answers = [];
    for (const { method, path } of routes) {
      const url = path.replace(/:(\w+)/g, (_, name: string) => PARAMS[name] ?? name);
      const response = await request(app.getHttpServer())[method.toLowerCase() as 'get'](url);
      answers.push({ route: `${method} ${path}`, status: response.status, code: response.body?.meta?.code });
    }
    expect(answers.filter((answer) => answer.status !== 401 || answer.code !== 'UNAUTHENTICATED')).toEqual([]);
  });
});
