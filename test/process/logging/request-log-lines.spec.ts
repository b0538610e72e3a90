import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningProcess, startServer, waitFor } from '../../support/server-process';

const BOOTSTRAP = 'bootstrap-admin-token-for-request-log-lines-0123';

interface RequestLine {
  msg: string;
  route?: string;
  token?: string;
  req: { method: string; url: string };
  res: { statusCode: number; headers: Record<string, unknown> };
}

jest.setTimeout(120_000);

/** The request log of the real server, as a log collector reads it: one line per request, each field once. */
describe('request log lines', () => {
  let work: string;
  let server: RunningProcess & { port: number };

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-request-log-'));
    server = await startServer(path.join(work, 'data'), { LOG_LEVEL: 'info', BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP });
  });

  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** The raw "request completed" line of the request to `url`. */
  async function lineOf(url: string, init: RequestInit = {}): Promise<{ raw: string; record: RequestLine }> {
    await fetch(`http://127.0.0.1:${server.port}${url}`, init);
    const raw = await waitFor(`the log line of ${url}`, () =>
      server
        .output()
        .split('\n')
        .find((line) => line.includes('"request completed"') && line.includes(`"url":"${url}"`)),
    );
    return { raw, record: JSON.parse(raw) as RequestLine };
  }

  it('names the route once, the template the router matched', async () => {
    const auth = { headers: { authorization: `Bearer ${BOOTSTRAP}` } };
    for (const [url, route] of [
      ['/api/providers/openai', '/api/providers/:provider'],
      ['/api/providers?limit=1', '/api/providers'],
      ['/api/health', '/api/health'],
    ]) {
      const { raw, record } = await lineOf(url, auth);
      expect(raw.match(/"route":/g)).toHaveLength(1);
      expect(record).toMatchObject({ route, token: 'bootstrap', req: { method: 'GET' }, res: { statusCode: 200 } });
    }
    // An unknown route has no template to name.
    const { raw } = await lineOf('/api/no-such-route', auth);
    expect(raw.match(/"route":/g) ?? []).toHaveLength(0);
  });

  it('keeps of the answer’s headers only the few worth a line, never the security headers every answer carries', async () => {
    const page = await lineOf('/admin/');
    expect(page.record).toMatchObject({ route: '/admin', res: { statusCode: 200 } });
    expect(Object.keys(page.record.res.headers).sort()).toEqual(['content-length', 'content-type']);
    expect(page.raw).not.toMatch(/content-security-policy|x-frame-options|etag/i);
    for (const url of ['/api/health?x=1', '/api/providers?y=1']) {
      const { record } = await lineOf(url, { headers: { authorization: `Bearer ${BOOTSTRAP}` } });
      expect(Object.keys(record.res.headers).filter((name) => !['content-length', 'content-type', 'retry-after'].includes(name))).toEqual(
        [],
      );
    }
  });
});
