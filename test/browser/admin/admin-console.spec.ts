import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FakeProvider } from '../../support/fake-provider-server';
import { waitFor } from '../../support/server-process';
import { describeInChromium, launchChromium } from './support/chromium';
import { ADMIN_TOKEN, ConsoleApp } from './support/console-app';
import { ConsoleWithFakes, OPENAI_KEY, startConsoleWithFakes } from './support/console-fakes';
import { ConsoleRecorder, shot } from './support/console-recorder';

const XSS_NAME = '<img src=x onerror="window.__pwned=1">Evil & Co';

interface Figures {
  firstPaintMs?: number;
  signedInTableMs?: number;
  toggleRoundTripMs?: number;
}

/**
 * The console as served (headers, assets), signed in, a key stored (never shown), Test now and the
 * health chart, UI preferences, toggles and changes made elsewhere. Selection, catalog sync, usage,
 * spend and budgets are in console-usage.spec.ts; circuits, viewers, 2,000 providers, credentials and
 * sweeps in console-operations.spec.ts.
 */
describeInChromium('Admin console in Chromium', () => {
  let fakes: ConsoleWithFakes;
  let server: ConsoleApp;
  let openai: FakeProvider;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const figures: Figures = {};
  const recorder = new ConsoleRecorder();
  const row = (provider: string) => page.locator(`tr[data-provider="${provider}"]`);

  beforeAll(async () => {
    fakes = await startConsoleWithFakes();
    ({ server, openai } = fakes);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    recorder.watch(page);
  });

  afterAll(async () => {
    // The figures the issue asks for, printed for the CI log (no ceiling asserted: the machine is shared).
    process.stdout.write(`admin console figures: ${JSON.stringify(figures)}\n`);
    await context?.close();
    await browser?.close();
    await fakes?.close();
  });

  it('serves the page with a strict CSP, nosniff, frame denial and hashed immutable assets; /api/docs still works', async () => {
    const index = await fetch(`${server.origin}/admin/`);
    expect(index.status).toBe(200);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const asset = /src="(\/admin\/assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${server.origin}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${server.origin}/admin/assets/index-gone.js`)).status).toBe(404);
    // Console routes are the page's own (SPA fallback); nothing else is the console's.
    for (const route of ['/admin', '/admin/providers/openai', '/admin/audit']) {
      const answer = await fetch(`${server.origin}${route}`);
      expect([route, answer.status, answer.headers.get('content-type')]).toEqual([route, 200, expect.stringMatching(/text\/html/)]);
    }
    expect((await fetch(`${server.origin}/administrator`)).status).toBe(404);
    expect((await fetch(`${server.origin}/admin/`, { method: 'POST' })).status).toBe(405);

    const docs = await fetch(`${server.origin}/api/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toBeNull();
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${server.origin}/api/docs-json`)).status).toBe(200);
  });

  it('signs in with a token kept in session storage (never in the URL or a cookie) and lists the catalog', async () => {
    await page.goto(`${server.origin}/admin/`);
    await page.getByLabel('API token').waitFor();
    figures.firstPaintMs = await page.evaluate(
      () => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? -1,
    );
    await page.getByLabel('API token').fill('reg_not-a-real-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This token is not valid').waitFor();

    await page.getByLabel('API token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await row('openai').waitFor();
    const catalog = await server.api<Array<{ provider: string }>>('GET', '/providers?limit=200');
    const listed = await page.locator('tr[data-provider]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-provider')));
    expect(listed).toEqual(catalog.body.data.map((p) => p.provider));
    await page.getByText(`Providers 1–${listed.length} of ${listed.length}`).waitFor();
    await expect(row('openai').innerText()).resolves.toContain('no credential');
    expect(await page.getByTestId('who').innerText()).toContain('bootstrap (admin');

    expect(page.url()).not.toContain(ADMIN_TOKEN);
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(ADMIN_TOKEN);
    expect(await page.evaluate(() => Object.values(localStorage))).toEqual([]);

    // A reload in the same tab stays signed in: time until the table shows, from navigation start.
    await page.reload();
    await row('openai').waitFor();
    figures.signedInTableMs = Math.round(await page.evaluate(() => performance.now()));
    await shot(page, 'providers');
  });

  it('stores a key: the page, the DOM and every network answer show only its mask', async () => {
    await row('openai').getByRole('link').click();
    await page.getByRole('heading', { name: /OpenAI/ }).waitFor();
    await page.getByLabel('API key').fill(OPENAI_KEY);
    await page.getByRole('button', { name: 'Store key' }).click();
    await page.getByText('Key stored: sk-proj-…WXYZ').waitFor();
    await page.getByTestId('masked-key').getByText('sk-proj-…WXYZ').waitFor();
    expect(await page.getByLabel('Replace the key').inputValue()).toBe('');
    await page.getByTestId('availability').getByText('available').waitFor();

    const html = await page.content();
    const text = await page.evaluate(() => document.body.innerText);
    const inputs = await page.evaluate(() => Array.from(document.querySelectorAll('input')).map((i) => i.value));
    for (const seen of [html, text, ...inputs]) expect(seen).not.toContain(OPENAI_KEY);
    const bodies = await recorder.bodies();
    expect(bodies.some((b) => b.url.includes('/api/providers/openai/credentials'))).toBe(true);
    expect(bodies.filter((b) => b.text.includes(OPENAI_KEY)).map((b) => b.url)).toEqual([]);
  });

  it('tests now against the fake provider and draws the health history with points', async () => {
    const before = openai.requests().length;
    await page.getByRole('button', { name: 'Test now' }).click();
    const result = page.getByTestId('test-result');
    await result.getByText('healthy').waitFor();
    const probes = openai.requests().slice(before);
    expect(probes.map((r) => `${r.method} ${r.route}`)).toEqual(['GET /v1/models']);
    expect(probes[0].headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);

    const chart = page.getByTestId('health-chart');
    await chart.locator('canvas').waitFor();
    await waitFor('the chart has points', async () => (Number(await chart.getAttribute('data-points')) > 20 ? true : undefined), 15_000);
    // uPlot drew on the canvas: some pixels are not blank.
    const inked = await chart.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    });
    expect(inked).toBeGreaterThan(1000);
    await page.getByTestId('problems').getByText('401 from the provider: invalid API key').first().waitFor();
    expect(await page.getByTestId('uptime').innerText()).toMatch(/^\d+\.\d %$/);
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page.getByRole('button', { name: 'Last 7 days', pressed: true }).waitFor();
    await chart.locator('canvas').waitFor();
    await page.getByRole('button', { name: 'Last 24 h' }).click();
    await waitFor('the 24 h chart', async () => (Number(await chart.getAttribute('data-points')) > 20 ? true : undefined), 15_000);
    await shot(page, 'provider');
  });

  it('shows the API field error at an invalid UI preference and saves a valid one', async () => {
    await page.getByRole('button', { name: 'Add preference' }).click();
    await page.locator('input[name="pref-key-0"]').fill('apiToken');
    await page.locator('input[name="pref-value-0"]').fill('abc');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    const error = page.locator('fieldset[data-pref="apiToken"] .field-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/ui_preferences rejected at ui_preferences\.apiToken: the key name suggests a secret/);
    expect(await page.locator('input[name="pref-key-0"]').getAttribute('aria-invalid')).toBe('true');
    expect((await server.api<{ uiPreferences: object }>('GET', '/providers/openai')).body.data.uiPreferences).toEqual({});
    await shot(page, 'ui-preference-error');

    await page.locator('input[name="pref-key-0"]').fill('colour');
    await page.locator('input[name="pref-value-0"]').fill('teal');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('UI preferences saved').waitFor();
    expect((await server.api<{ uiPreferences: object }>('GET', '/providers/openai')).body.data.uiPreferences).toEqual({ colour: 'teal' });

    // Another operator saves while this one edits: the page's save is refused (If-Match, 412), never overwriting theirs.
    await page.locator('input[name="pref-value-0"]').fill('navy');
    expect((await server.api('PATCH', '/providers/openai', { uiPreferences: { colour: 'red' } })).status).toBe(200);
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Not saved: someone else changed this provider after you started editing').waitFor();
    await waitFor('the form shows their value', async () =>
      (await page.locator('input[name="pref-value-0"]').inputValue()) === 'red' ? true : undefined,
    );
    expect((await server.api<{ uiPreferences: object }>('GET', '/providers/openai')).body.data.uiPreferences).toEqual({ colour: 'red' });
  });

  it('toggles a provider and the API state changes; a change made elsewhere appears within seconds', async () => {
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    const toggle = row('anthropic').getByRole('switch');
    await toggle.waitFor();
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.focus();
    const started = Date.now();
    await page.keyboard.press('Space');
    await row('anthropic').locator('[role="switch"][aria-checked="false"]').waitFor();
    figures.toggleRoundTripMs = Date.now() - started;
    expect((await server.api<{ enabled: boolean }>('GET', '/providers/anthropic')).body.data.enabled).toBe(false);

    // Another operator (or the CLI) disables OpenRouter and renames OpenAI: the page shows it without a reload.
    expect((await server.api('POST', '/providers/openrouter/disable')).status).toBe(200);
    expect((await server.api('PATCH', '/providers/openai', { displayName: XSS_NAME })).status).toBe(200);
    await row('openrouter').locator('[role="switch"][aria-checked="false"]').waitFor({ timeout: 10_000 });
    await row('openai').getByText(XSS_NAME).waitFor({ timeout: 10_000 });
    // Operator input is text, never markup.
    expect(await row('openai').locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await row('anthropic').getByText('disabled by an operator').waitFor();
  });

  it('called only documented /api routes, and the page raised no error or CSP violation', async () => {
    const { called, undocumented } = await recorder.apiCalls(server.origin);
    expect(called.size).toBeGreaterThan(5);
    expect(undocumented).toEqual([]);
    expect(recorder.cspViolations).toEqual([]);
    expect(recorder.pageErrors).toEqual([]);
  });
});
