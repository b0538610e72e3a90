import type { Browser, BrowserContext, Page } from 'playwright-core';
import { RequestLogWriter } from '../../../src/registry/request-log/request-log-writer.service';
import { FakeProvider, FakeProviderServer } from '../../support/fake-provider-server';
import { writeCatalogVariant } from '../../support/catalog-files';
import { waitFor } from '../../support/server-process';
import { describeInChromium, launchChromium } from './support/chromium';
import { ConsoleApp, startConsoleApp } from './support/console-app';
import { signIn } from './support/console-page';
import { shot } from './support/console-recorder';

const OPENAI_KEY = 'sk-proj-RequestsPageKey0123456789abcdefWXYZ';
const ANTHROPIC_KEY = 'sk-ant-api03-RequestsPageKey0123456789abc';
/** One page of the console's list. */
const PAGE_SIZE = 50;

interface LoggedCall {
  id: string;
  keyName: string | null;
  result: string;
  status: number | null;
}

/**
 * The Requests page over real gateway calls (consumer keys, a fake upstream that fails on demand):
 * each call's row, the filters (key, result, HTTP status), cursor paging, and the attempts that failed
 * before a call was answered, unfolded with why.
 */
describeInChromium('Admin console: the Requests page', () => {
  let fake: FakeProviderServer;
  let openai: FakeProvider;
  let anthropic: FakeProvider;
  let server: ConsoleApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const keys: Record<'checkout' | 'reports', string> = { checkout: '', reports: '' };
  const apiCalls: string[] = [];
  const pageErrors: string[] = [];
  const rows = () => page.getByTestId('requests-table').locator('tbody tr[data-request]');

  /** A chat call through the gateway with a consumer key; its whole answer read. */
  async function chat(key: string, model: string, stream = false): Promise<number> {
    const answer = await fetch(`${server.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Say hello' }] }),
    });
    await answer.text();
    return answer.status;
  }

  /** The log as the API lists it (newest first), once every call made is written. */
  async function logged(expected: number, query = ''): Promise<LoggedCall[]> {
    let calls: LoggedCall[] = [];
    await waitFor(`${expected} logged calls`, async () => {
      await server.app.get(RequestLogWriter).flush();
      calls = (await server.api<LoggedCall[]>('GET', `/requests?limit=200${query}`)).body.data;
      return calls.length === expected ? true : undefined;
    });
    return calls;
  }

  async function filter(fields: { key?: string; result?: string; status?: string }): Promise<void> {
    await page.getByLabel('Key', { exact: true }).fill(fields.key ?? '');
    await page.getByLabel('Result').selectOption(fields.result ?? '');
    await page.getByLabel('HTTP status').fill(fields.status ?? '');
    await page.getByRole('button', { name: 'Filter' }).click();
  }

  /** The ids the page lists, once they are `ids` (the page polls). */
  async function listedBecomes(ids: string[]): Promise<void> {
    await waitFor(`the page lists ${ids.length} calls`, async () => {
      const shown = await rows().evaluateAll((all) => all.map((r) => r.getAttribute('data-request')));
      return JSON.stringify(shown) === JSON.stringify(ids) ? true : undefined;
    });
  }

  beforeAll(async () => {
    fake = new FakeProviderServer();
    await fake.start();
    openai = fake.add('openai', { kind: 'openai', apiKey: OPENAI_KEY, models: ['gpt-4o', 'gpt-4o-mini'] });
    anthropic = fake.add('anthropic', { kind: 'anthropic', apiKey: ANTHROPIC_KEY, models: ['claude-haiku-4-5'] });
    const catalog = writeCatalogVariant((doc) => {
      doc.providers.openai.base_url = openai.baseUrl;
      doc.providers.anthropic.base_url = anthropic.baseUrl;
    });
    server = await startConsoleApp({ CATALOG_PATH: catalog });
    expect((await server.api('POST', '/providers/openai/credentials', { apiKey: OPENAI_KEY })).status).toBe(201);
    expect((await server.api('POST', '/providers/anthropic/credentials', { apiKey: ANTHROPIC_KEY })).status).toBe(201);
    for (const name of ['checkout', 'reports'] as const) {
      const created = await server.api<{ key: string }>('POST', '/keys', { name: `${name}-svc` });
      expect(created.status).toBe(201);
      keys[name] = created.body.data.key;
    }

    // checkout-svc: three answered calls, a streamed one, one answered after OpenAI failed, a model
    // nobody offers, and one every provider failed; then reports-svc: 55 answered calls.
    for (let i = 0; i < 3; i++) expect(await chat(keys.checkout, 'openai/gpt-4o-mini')).toBe(200);
    expect(await chat(keys.checkout, 'openai/gpt-4o', true)).toBe(200);
    openai.setMode('server_error');
    expect(await chat(keys.checkout, 'auto')).toBe(200);
    expect(await chat(keys.checkout, 'gpt-nope')).toBe(404);
    anthropic.setMode('server_error');
    expect(await chat(keys.checkout, 'auto')).toBeGreaterThanOrEqual(500);
    openai.setMode('ok');
    anthropic.setMode('ok');
    for (let i = 0; i < 55; i++) expect(await chat(keys.reports, 'openai/gpt-4o-mini')).toBe(200);
    await logged(62);

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) apiCalls.push(`${request.method()} ${url.pathname}`);
    });
    await signIn(page, server.origin);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await fake?.close();
  });

  it('lists the newest 50 calls, each with its time (UTC), key, model, who answered, result, tokens, cost and latency; older ones a page on', async () => {
    await page.getByRole('link', { name: 'Requests', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/admin/requests');
    const all = await logged(62);
    await listedBecomes(all.slice(0, PAGE_SIZE).map((c) => c.id));
    const newest = await rows().first().locator('td').allInnerTexts();
    expect(newest.slice(0, 9)).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
      'reports-svc',
      'openai/gpt-4o-mini',
      'openai/gpt-4o-mini',
      '200 answered',
      '11 in, 3 out',
      expect.stringMatching(/^\$0\.00\d+$/),
      expect.stringMatching(/^\d+ ms$/),
      '—',
    ]);

    await page.getByRole('button', { name: 'Older →' }).click();
    await listedBecomes(all.slice(PAGE_SIZE).map((c) => c.id));
    expect(await page.getByRole('button', { name: 'Older →' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '← Newer' }).click();
    await listedBecomes(all.slice(0, PAGE_SIZE).map((c) => c.id));
  });

  it('filters by key, by result and by HTTP status, together; the pager is gone when one page holds them', async () => {
    const checkout = await logged(7, '&key=checkout-svc');
    await filter({ key: 'checkout-svc' });
    await listedBecomes(checkout.map((c) => c.id));
    expect(new Set(await page.getByTestId('request-key').allInnerTexts())).toEqual(new Set(['checkout-svc']));
    expect(await page.getByRole('navigation', { name: 'Pages of requests' }).count()).toBe(0);

    await filter({ key: 'checkout-svc', result: 'unknown_model' });
    await listedBecomes(checkout.filter((c) => c.result === 'unknown_model').map((c) => c.id));
    expect(await rows().first().innerText()).toMatch(/checkout-svc\s+gpt-nope\s+nobody\s+unknown model/);

    await filter({ key: 'checkout-svc', status: '200' });
    await listedBecomes(checkout.filter((c) => c.status === 200).map((c) => c.id));
    expect(await rows().count()).toBe(5);
    // The streamed call has a time to first token.
    expect(await page.locator('tr[data-request]', { hasText: 'streamed' }).locator('td').nth(8).innerText()).toMatch(/^\d+ ms$/);

    await filter({ key: 'reports-svc', status: '500' });
    await page.getByText('No calls match.').waitFor();
  });

  it('unfolds the attempts that failed before a call was answered, and every attempt of one nobody answered, each with why', async () => {
    await filter({ key: 'checkout-svc' });
    const fellBack = page.locator('tr[data-request]', { hasText: 'anthropic/claude-haiku-4-5' });
    await fellBack.waitFor();
    const unfold = fellBack.getByRole('button', { name: '1 failed before' });
    expect(await unfold.getAttribute('aria-expanded')).toBe('false');
    await unfold.click();
    expect(await unfold.getAttribute('aria-expanded')).toBe('true');
    const attempts = page.getByRole('list', { name: /^Failed attempts of the call at / });
    expect(await attempts.locator('li').allInnerTexts()).toEqual([expect.stringMatching(/^openai\/gpt-4o-mini: .+, HTTP 500, \d+ ms$/)]);
    await shot(page, 'requests');
    await unfold.click();
    await attempts.waitFor({ state: 'detached' });

    await filter({ key: 'checkout-svc', result: 'all_candidates_failed' });
    const failed = page.locator('tr[data-request][data-result="all_candidates_failed"]');
    await failed.waitFor();
    expect(await failed.innerText()).toMatch(/nobody\s+(\d{3} )?every provider failed/);
    await failed.getByRole('button', { name: /attempts, all failed$/ }).click();
    const tried = await page
      .getByRole('list', { name: /^Failed attempts of the call at / })
      .locator('li')
      .allInnerTexts();
    expect(tried).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^openai\/gpt-4o-mini: .+, HTTP 500, \d+ ms$/),
        expect.stringMatching(/^anthropic\/claude-haiku-4-5: .+, HTTP 500, \d+ ms$/),
      ]),
    );
  });

  it('shows no consumer key, calls only GET /api/requests and /api/keys for it, and raised no error', async () => {
    const html = await page.content();
    for (const key of Object.values(keys)) expect(html).not.toContain(key);
    const own = apiCalls.filter((call) => !/^GET \/api\/(auth\/whoami|providers)$/.test(call));
    expect(new Set(own)).toEqual(new Set(['GET /api/requests', 'GET /api/keys']));
    expect(pageErrors).toEqual([]);
  });
});
