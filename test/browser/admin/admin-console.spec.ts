import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page, Request as PwRequest } from 'playwright-core';
import { FakeProvider, FakeProviderServer } from '../../support/fake-provider-server';
import { writeCatalogVariant } from '../../support/catalog-files';
import { REPO_ROOT, waitFor } from '../../support/server-process';
import { describeInChromium, launchChromium } from './support/chromium';
import { ApiTokensService } from '../../../src/server/auth/api-tokens.service';
import { ADMIN_TOKEN, ConsoleApp, startConsoleApp } from './support/console-app';

const OPENAI_KEY = 'sk-proj-BrowserTestKey0123456789abcdefWXYZ';
const SHOTS = path.join(REPO_ROOT, 'artifacts', 'admin');
const XSS_NAME = '<img src=x onerror="window.__pwned=1">Evil & Co';

interface Figures {
  firstPaintMs?: number;
  signedInTableMs?: number;
  toggleRoundTripMs?: number;
  table2000Ms?: number;
}

describeInChromium('Admin console in Chromium', () => {
  let fake: FakeProviderServer;
  let openai: FakeProvider;
  let server: ConsoleApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const figures: Figures = {};
  const requests: PwRequest[] = [];
  const responseBodies: Array<Promise<{ url: string; text: string } | null>> = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  /** Everything a page of this context receives is kept to be searched for the key later. */
  function watch(target: Page): void {
    target.on('request', (request) => requests.push(request));
    target.on('response', (response) => {
      responseBodies.push(
        response
          .body()
          .then((body) => ({ url: response.url(), text: body.toString('utf8') }))
          .catch(() => null),
      );
    });
    target.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    target.on('pageerror', (error) => pageErrors.push(error.message));
  }

  /** Controls without an accessible name (label, aria-label or text): none is allowed on any view. */
  function unlabelledControls(target: Page): Promise<string[]> {
    return target.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('input, select, textarea, button, [role="switch"]'))
        .filter((el) => {
          const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
          return !labelled && !(el.tagName === 'BUTTON' && el.textContent?.trim());
        })
        .map((el) => el.outerHTML.slice(0, 120)),
    );
  }

  /** A screenshot of a main view (CI keeps artifacts/admin/), after checking its controls are labelled. */
  async function shot(name: string, target: Page = page): Promise<void> {
    expect(await unlabelledControls(target)).toEqual([]);
    fs.mkdirSync(SHOTS, { recursive: true });
    await target.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  const row = (provider: string) => page.locator(`tr[data-provider="${provider}"]`);

  /** Usage reported by another service through the API, as one batch. */
  async function reportUsage(key: string, records: object[]): Promise<void> {
    const answer = await fetch(`${server.origin}/api/usage`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify({ records }),
    });
    expect(answer.status).toBe(200);
  }

  /** Pixels uPlot painted on a chart's canvas. */
  function inkOf(chart: ReturnType<Page['getByTestId']>): Promise<number> {
    return chart.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    });
  }

  beforeAll(async () => {
    fake = new FakeProviderServer();
    await fake.start();
    openai = fake.add('openai', {
      kind: 'openai',
      apiKey: OPENAI_KEY,
      models: [
        'gpt-4o',
        'gpt-4o-mini',
        'gpt-4.1',
        'gpt-4.1-mini',
        'gpt-5',
        'gpt-5-mini',
        'text-embedding-3-small',
        'text-embedding-3-large',
      ],
    });
    const ollama = fake.add('ollama', {
      kind: 'ollama',
      models: ['llama3.1:latest', 'qwen2.5:latest', 'nomic-embed-text:latest', 'mxbai-embed-large:latest'],
    });
    const catalog = writeCatalogVariant((doc) => {
      doc.providers.openai.base_url = openai.baseUrl;
      doc.providers.ollama.base_url = ollama.baseUrl;
    });
    // Small passive-health thresholds, so a test trips a circuit with a few reported calls; a long
    // cooldown, so it stays open while the page is looked at.
    server = await startConsoleApp({ CATALOG_PATH: catalog, PASSIVE_HEALTH_MIN_CALLS: '5', PASSIVE_HEALTH_COOLDOWN_MS: '300000' });
    // A day of earlier checks of OpenAI (every 20 minutes, two failures), so the chart has a history to draw.
    const dataSource = await server.db.dataSource();
    await dataSource.query(
      `INSERT INTO provider_health_checks (provider_config_id, status, latency_ms, error, checked_at)
       SELECT p.id,
              CASE WHEN n IN (9, 40) THEN 'unhealthy' WHEN n % 17 = 0 THEN 'degraded' ELSE 'healthy' END,
              CASE WHEN n IN (9, 40) THEN NULL WHEN n % 17 = 0 THEN 3400 ELSE 180 + (n * 37) % 140 END,
              CASE WHEN n IN (9, 40) THEN '401 from the provider: invalid API key' WHEN n % 17 = 0 THEN 'slower than 3000 ms' END,
              now() - make_interval(mins => 20 * n + 5)
       FROM provider_configs p, generate_series(0, 71) AS n
       WHERE p.provider = 'openai'`,
    );
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    watch(page);
  });

  afterAll(async () => {
    // The figures the issue asks for, printed for the CI log (no ceiling asserted: the machine is shared).
    process.stdout.write(`admin console figures: ${JSON.stringify(figures)}\n`);
    await context?.close();
    await browser?.close();
    await server?.close();
    await fake?.close();
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
    await shot('providers');
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
    const bodies = (await Promise.all(responseBodies)).filter((b): b is { url: string; text: string } => b !== null);
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
    await shot('provider');
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
    await shot('ui-preference-error');

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

  it('explains a selection, runs a catalog dry run then applies it, and shows usage and the audit trail', async () => {
    await page.getByRole('link', { name: 'Selection', exact: true }).click();
    await page.getByRole('button', { name: 'Explain the choice' }).click();
    const result = page.getByTestId('selection-result');
    await result.getByText(/Chosen: openai/).waitFor();
    await page.locator('input[name="command-provider"]').fill('anthropic');
    await page.getByRole('button', { name: 'Explain the choice' }).click();
    await result.getByText(/anthropic .*disabled by an operator/).waitFor();
    await shot('selection');

    // Someone set a catalog-owned column by hand (psql): the dry run shows it going back, the apply does it.
    const dataSource = await server.db.dataSource();
    await dataSource.query(`UPDATE provider_configs SET priority = 99 WHERE provider = 'ollama'`);
    await page.getByRole('link', { name: 'Catalog sync', exact: true }).click();
    await page.getByRole('button', { name: 'Dry run' }).click();
    const diff = page.getByTestId('sync-diff');
    await diff.getByText('What a sync would change').waitFor();
    expect(await diff.locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/ollama\s+priority\s+99\s+40/)]);
    expect(await diff.innerText()).toMatch(/Operator overrides kept:.*openai displayName/);
    expect((await server.api<{ catalogPriority: number }>('GET', '/providers/ollama')).body.data.catalogPriority).toBe(99);
    await page.getByRole('button', { name: 'Apply…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Apply the catalog?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Apply…' }).click();
    await dialog.getByRole('button', { name: 'Apply the sync' }).click();
    await diff.getByText('What the sync changed').waitFor();
    expect((await server.api<{ catalogPriority: number }>('GET', '/providers/ollama')).body.data.catalogPriority).toBe(40);
    await shot('catalog');

    // Another service reports usage through the API; the page shows it on its next poll.
    const [{ id: credentialId }] = (await server.api<Array<{ id: string }>>('GET', '/providers/openai/credentials')).body.data;
    const usage = await fetch(`${server.origin}/api/usage`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'console-test-1' },
      body: JSON.stringify({ records: [{ provider: 'openai', credentialId, requests: 1234, inputTokens: 50_000, outputTokens: 7_000 }] }),
    });
    expect(usage.status).toBe(200);
    await page.getByRole('link', { name: 'Usage', exact: true }).click();
    await page.getByTestId('usage-providers').getByText('1,234').waitFor();
    expect(await page.getByTestId('usage-credentials').locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`openai\\s+#${credentialId} \\(api_key\\)\\s+1,234\\s+50,000\\s+7,000`)),
    ]);
    await shot('usage');

    await page.getByRole('link', { name: 'Audit trail', exact: true }).click();
    const audit = page.getByTestId('audit-table');
    await audit.getByText('provider.disabled').first().waitFor();
    await page.getByLabel('Action').selectOption('credential.stored');
    await page.getByRole('button', { name: 'Filter' }).click();
    await waitFor('only credential.stored events', async () => {
      const actions = await audit.locator('tbody tr td:nth-child(3)').allInnerTexts();
      return actions.length > 0 && actions.every((a) => a === 'credential.stored') ? true : undefined;
    });
    expect(await audit.innerText()).not.toContain(OPENAI_KEY);
    await page.getByLabel('Action').selectOption('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await audit.getByText('provider.disabled').first().waitFor();
    await shot('audit');
  });

  it('charts spend per day by provider and by model over a range, with the rows and the total in USD', async () => {
    // Priced calls (gpt-4o: $2.50 / $10 per million input / output tokens) reported through the API.
    await reportUsage('console-spend-1', [
      { provider: 'openai', model: 'gpt-4o', inputTokens: 1_000_000, outputTokens: 100_000, outcome: 'success', latencyMs: 800 },
      { provider: 'openai', model: 'gpt-4o-mini', inputTokens: 2_000_000, outputTokens: 500_000, outcome: 'success', latencyMs: 300 },
    ]);
    await reportUsage('console-spend-2', [
      { provider: 'anthropic', model: 'claude-haiku-4-5', inputTokens: 1_000_000, outputTokens: 200_000, outcome: 'success' },
    ]);
    // Anthropic's day moved two days back by hand (psql), so the range has more than one day to draw.
    const dataSource = await server.db.dataSource();
    await dataSource.query(`UPDATE usage_daily SET day = day - 2 WHERE provider = 'anthropic'`);
    const today = new Date().toISOString().slice(0, 10);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);

    await page.getByRole('link', { name: 'Usage', exact: true }).click();
    // This month by default: its total is what the API says for this month.
    await page.getByRole('button', { name: 'This month', pressed: true }).waitFor();
    const month = await server.api<{ spend: { totalUsd: string } }>('GET', '/usage');
    const monthTotal = Number(month.body.data.spend.totalUsd) === 6.1 ? '$6.10' : '$4.10';
    await page.getByTestId('spend-total').getByText(monthTotal, { exact: true }).waitFor();
    await page.getByTestId('spend-chart').locator('canvas').waitFor();
    await shot('usage-spend-month');

    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page.getByTestId('spend-total').getByText('$6.10', { exact: true }).waitFor();
    const chart = page.getByTestId('spend-chart');
    await chart.locator('canvas').waitFor();
    await waitFor('two lines with their points', async () =>
      (await chart.getAttribute('data-series')) === '2' && Number(await chart.getAttribute('data-points')) === 2 ? true : undefined,
    );
    expect(await inkOf(chart)).toBeGreaterThan(500);
    const table = page.getByTestId('spend-table');
    expect(await table.locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`^${twoDaysAgo}\\s+anthropic\\s+1\\s+1,000,000\\s+200,000\\s+\\$2\\.00$`)),
      expect.stringMatching(new RegExp(`^${today}\\s+openai\\s+1,236\\s+3,050,000\\s+607,000\\s+\\$4\\.10$`)),
    ]);
    expect(await table.locator('tfoot').innerText()).toMatch(/Total\s+\$6\.10/);
    await shot('usage-spend');

    await page.getByLabel('Group spend by').selectOption('model');
    await waitFor('one line per model', async () => ((await chart.getAttribute('data-series')) === '4' ? true : undefined));
    expect(Number(await chart.getAttribute('data-points'))).toBe(3);
    const byModel = await table.locator('tbody tr').allInnerTexts();
    expect(byModel.find((r) => r.includes('gpt-4o-mini'))).toMatch(/\$0\.60$/);
    expect(byModel.find((r) => /\tgpt-4o\t/.test(r))).toMatch(/\$3\.50$/);
    expect(byModel.find((r) => r.includes('(no model)'))).toMatch(/\$0\.00$/);

    // A custom range the API refuses is said at the date it names.
    await page.getByRole('button', { name: 'Custom' }).click();
    await page.getByLabel('From (UTC day)').fill('2026-03-10');
    await page.getByLabel('To (UTC day)').fill('2026-03-01');
    const refused = page.locator('#spend-to-error');
    await refused.waitFor();
    expect(await refused.innerText()).toMatch(/must not be before from/);
    await page.getByLabel('To (UTC day)').fill('2026-03-31');
    await page.getByText('Nothing spent in this range.').waitFor();
    await page.getByTestId('spend-total').getByText('$0.00', { exact: true }).waitFor();
  });

  it('a budget: the API field error at an invalid amount; one below the spend takes the provider out as budget_exhausted', async () => {
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await row('openai').getByRole('link').click();
    const budget = page.getByTestId('budget');
    await budget.waitFor();
    await budget.getByTestId('budget-state').getByText('no budget: spend is not limited').waitFor();
    await budget
      .getByTestId('budget-spend')
      .getByText(/^Spent this month/)
      .waitFor();

    await page.getByLabel('Budget (USD)').fill('-5');
    await page.getByRole('button', { name: 'Save budget' }).click();
    const error = page.locator('#budgetUsd-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/budgetUsd must be above 0/);
    expect(await page.getByLabel('Budget (USD)').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Warn at (share, 0.01–1)').fill('1.5');
    await page.getByLabel('Budget (USD)').fill('1');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page
      .locator('#budgetWarnAt-error')
      .getByText(/budgetWarnAt must be at most 1/)
      .waitFor();
    expect((await server.api<{ budget: unknown }>('GET', '/providers/openai')).body.data.budget).toBeNull();
    await shot('budget-error');

    // $1 a month against the $4.10 spent today: out of selection at once, until the month ends.
    await page.getByLabel('Warn at (share, 0.01–1)').fill('0.5');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByText('Budget saved').waitFor();
    const saved = (
      await server.api<{ budget: { usd: string; window: string; warnAt: number; exhaustedUntil: string } }>('GET', '/providers/openai')
    ).body.data.budget;
    expect(saved).toMatchObject({ window: 'month', warnAt: 0.5 });
    expect(Number(saved.usd)).toBe(1);
    expect(new Date(saved.exhaustedUntil).getUTCDate()).toBe(1);
    await page
      .getByTestId('availability')
      .getByText(/^budget spent until 1 [A-Z][a-z]{2}$/)
      .waitFor();
    await budget
      .getByTestId('budget-spend')
      .getByText(/\$4\.10 of \$1\.00 \(410\.0 %\)/)
      .waitFor();
    await budget
      .getByTestId('budget-state')
      .getByText(/^budget spent: out of selection until 1 [A-Z][a-z]{2}$/)
      .waitFor();
    await shot('provider-budget');

    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await row('openai')
      .getByText(/^budget spent until 1 [A-Z][a-z]{2}$/)
      .waitFor();
    await shot('providers-budget-exhausted');

    // Another operator changes the budget while this one edits: the save is refused (If-Match, 412), theirs stays.
    await row('openai').getByRole('link').click();
    const amount = page.getByLabel('Budget (USD)');
    await waitFor('the form shows the saved budget', async () => ((await amount.inputValue()) === '1' ? true : undefined));
    await amount.fill('2');
    expect((await server.api('PATCH', '/providers/openai', { budgetWarnAt: 0.9 })).status).toBe(200);
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByText(/^Not saved: someone else changed this provider after you started editing/).waitFor();
    await waitFor('their share in the form', async () =>
      (await page.getByLabel('Warn at (share, 0.01–1)').inputValue()) === '0.9' ? true : undefined,
    );
    expect(await amount.inputValue()).toBe('1');
    const kept = (await server.api<{ budget: { usd: string; warnAt: number } }>('GET', '/providers/openai')).body.data.budget;
    expect([Number(kept.usd), kept.warnAt]).toEqual([1, 0.9]);

    // Removed: available again.
    await page.getByRole('button', { name: 'Remove budget' }).click();
    await page.getByText('Budget removed').waitFor();
    await page.getByTestId('availability').getByText('available', { exact: true }).waitFor();
    expect((await server.api<{ budget: unknown }>('GET', '/providers/openai')).body.data.budget).toBeNull();
  });

  it('real calls failing trip a circuit: tripped with its reason in the table and on the provider page, the history says traffic decided', async () => {
    // OpenRouter (disabled by "another operator" above) is switched back on with a key, so only its circuit can take it out.
    expect((await server.api('POST', '/providers/openrouter/enable')).status).toBe(200);
    expect(
      (await server.api('POST', '/providers/openrouter/credentials', { apiKey: 'sk-or-v1-ConsoleCircuitTest0123456789abcdef' })).status,
    ).toBe(201);
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await row('openrouter').getByText('available', { exact: true }).waitFor({ timeout: 10_000 });
    await reportUsage('console-circuit-1', [
      { provider: 'openrouter', outcome: 'error', requests: 6, latencyMs: 900 },
      { provider: 'openrouter', outcome: 'timeout', requests: 3, latencyMs: 30_000 },
      { provider: 'openrouter', outcome: 'success', latencyMs: 400 },
    ]);
    const tripped = /^tripped: 9 of 10 calls failed in 60 s, back at (\d+ [A-Z][a-z]{2} )?\d\d:\d\d UTC$/;
    await row('openrouter').getByText(tripped).waitFor({ timeout: 10_000 });
    const provider = (
      await server.api<{ availability: { reason: string }; circuit: { state: string; until: string } }>('GET', '/providers/openrouter')
    ).body.data;
    expect(provider.availability.reason).toBe('tripped');
    expect(provider.circuit.state).toBe('open');
    expect(await row('openrouter').innerText()).toContain(provider.circuit.until.slice(11, 16));
    expect(await row('openrouter').locator('[role="switch"]').getAttribute('aria-checked')).toBe('true'); // health, never enabled
    await shot('providers-tripped');

    await row('openrouter').getByRole('link').click();
    await page.getByTestId('availability').getByText(tripped).waitFor();
    const circuit = page.getByTestId('circuit');
    await circuit.locator('[data-phase="open"]').getByText('open: out of selection after failed calls').waitFor();
    expect(await circuit.innerText()).toMatch(/Trips in a row\s+1/);
    expect(await circuit.innerText()).toContain('tripped: 9 of 10 calls failed in 60 s');
    await page.getByTestId('decided-by').getByText('real traffic').waitFor();
    const history = page.getByTestId('health-history');
    const byTraffic = history.locator('tr[data-source="traffic"]');
    await byTraffic.first().waitFor();
    expect(await byTraffic.first().innerText()).toMatch(/real traffic\s+✕\s+unhealthy\s+—\s+tripped: 9 of 10 calls failed in 60 s$/);
    await page.getByTestId('problems').getByText('decided by real traffic').first().waitFor();
    await shot('provider-tripped');

    // Back as it was for the later tests: OpenRouter off (the sweep checks enabled providers only).
    expect((await server.api('POST', '/providers/openrouter/disable')).status).toBe(200);
  });

  it('shows a banner while the connection is down and recovers by itself', async () => {
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await row('openai').waitFor();
    await context.setOffline(true);
    await page.getByTestId('connection-banner').waitFor({ timeout: 10_000 });
    expect(await page.locator('tr[data-provider]').count()).toBeGreaterThan(0); // the last data stays
    await shot('connection-lost');
    await context.setOffline(false);
    await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('a viewer sees everything read-only, and a forced 403 is shown in words', async () => {
    const viewerContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const viewer = await viewerContext.newPage();
    watch(viewer);
    expect((await server.api('PATCH', '/providers/openai', { budgetUsd: 1000, budgetWindow: 'month' })).status).toBe(200);
    try {
      await viewer.goto(`${server.origin}/admin/`);
      await viewer.getByLabel('API token').fill(server.viewerToken);
      await viewer.getByRole('button', { name: 'Sign in' }).click();
      await viewer.locator('tr[data-provider="openai"]').waitFor();
      await viewer.getByText('Signed in with a viewer token').waitFor();
      const switches = viewer.locator('tr[data-provider] [role="switch"]');
      expect(await switches.count()).toBeGreaterThan(0);
      expect(await switches.evaluateAll((all) => all.every((s) => (s as HTMLButtonElement).disabled))).toBe(true);
      await viewer.locator('tr[data-provider="openai"]').getByRole('link').click();
      await viewer.getByRole('button', { name: 'Test now' }).waitFor();
      for (const name of ['Test now', 'Replace key', 'Save preferences', 'Remove…', 'Deactivate', 'Save budget', 'Remove budget']) {
        expect(await viewer.getByRole('button', { name }).isDisabled()).toBe(true);
      }
      expect(await viewer.getByLabel('Replace the key').isDisabled()).toBe(true);
      // A budget set elsewhere: the viewer sees it and its spend, and cannot change it.
      await viewer
        .getByTestId('budget-spend')
        .getByText(/ of \$1,000\.00/)
        .waitFor({ timeout: 10_000 });
      expect(await viewer.getByLabel('Budget (USD)').inputValue()).toMatch(/^1000(\.0+)?$/);
      for (const label of ['Budget (USD)', 'Warn at (share, 0.01–1)']) expect(await viewer.getByLabel(label).isDisabled()).toBe(true);
      expect(await viewer.locator('select[name="budgetWindow"]').isDisabled()).toBe(true);
      await shot('viewer-provider', viewer);

      // The page believes it is admin (a stale role): the API still refuses, and the page says why.
      await viewer.route('**/api/auth/whoami', async (route) => {
        await route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({ data: { name: 'wall-screen', role: 'admin' }, meta: {}, status: 'success', message: 'OK' }),
        });
      });
      await viewer.goto(`${server.origin}/admin/`);
      const toggle = viewer.locator('tr[data-provider="openai"]').getByRole('switch');
      await toggle.waitFor();
      expect(await toggle.isEnabled()).toBe(true);
      const answered = viewer.waitForResponse((r) => r.url().endsWith('/api/providers/openai/disable'));
      await toggle.click();
      expect((await answered).status()).toBe(403);
      await viewer
        .locator('tr[data-provider="openai"]')
        .getByText(/Not allowed: this needs an admin token; token "wall-screen" is a viewer/)
        .waitFor();
      expect(await toggle.getAttribute('aria-checked')).toBe('true');
      expect((await server.api<{ enabled: boolean }>('GET', '/providers/openai')).body.data.enabled).toBe(true);

      // The token is revoked meanwhile: the next poll is refused (401) and the page asks for a token again.
      await viewer.unroute('**/api/auth/whoami');
      await server.app.get(ApiTokensService).revoke('wall-screen');
      await viewer.getByText('Your token is no longer accepted (revoked or expired). Sign in again.').waitFor({ timeout: 10_000 });
      expect(await viewer.evaluate(() => Object.values(sessionStorage))).toEqual([]);
    } finally {
      await server.api('PATCH', '/providers/openai', { budgetUsd: null });
      await viewerContext.close();
    }
  });

  it('stays usable at 2,000 providers: a page of 50 from the API, paged, searched', async () => {
    const dataSource = await server.db.dataSource();
    await dataSource.query(
      `INSERT INTO provider_configs (provider, display_name, enabled, priority)
       SELECT 'bulk-' || lpad(n::text, 4, '0'), 'Bulk provider ' || n, n % 3 <> 0, 500 + n FROM generate_series(1, 2000) AS n`,
    );
    const total = (await server.api('GET', '/providers?limit=1')).body.meta.total as number;
    expect(total).toBeGreaterThanOrEqual(2000);
    const started = Date.now();
    await page.reload();
    await page.getByText(`Providers 1–50 of ${total}`).waitFor({ timeout: 20_000 });
    figures.table2000Ms = Date.now() - started;
    expect(await page.locator('tr[data-provider]').count()).toBe(50);
    await page.getByRole('button', { name: 'Next page →' }).click();
    await page.getByText(`Providers 51–100 of ${total}`).waitFor();
    await page.getByLabel('Search').fill('bulk-1999');
    await page.getByText('Providers 1–1 of 1').waitFor();
    await row('bulk-1999').waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Enabled').selectOption('false');
    await waitFor('only disabled providers', async () => {
      const states = await page
        .locator('tr[data-provider] [role="switch"]')
        .evaluateAll((all) => all.map((s) => s.getAttribute('aria-checked')));
      return states.length === 50 && states.every((s) => s === 'false') ? true : undefined;
    });
    await shot('providers-2000');
  });

  it('deactivates the credential, sets its expiry, and removes it after a confirmation', async () => {
    await page.goto(`${server.origin}/admin/providers/openai`);
    await page.getByTestId('masked-key').waitFor();
    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByText('Credential deactivated', { exact: true }).waitFor();
    await page.getByTestId('availability').getByText('credential deactivated').waitFor();
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByText('Credential activated', { exact: true }).waitFor();

    await page.getByLabel('Expires (local time; empty: never)').fill('2031-06-30T12:00');
    await page.getByRole('button', { name: 'Set expiry' }).click();
    await page.getByText(/^Expires 2031-06-30/).waitFor();
    const [credential] = (
      await server.api<Array<{ id: string; expiresAt: string; status: string }>>('GET', '/providers/openai/credentials')
    ).body.data;
    expect(new Date(credential.expiresAt).getUTCFullYear()).toBe(2031);
    expect(credential.status).toBe('active');

    await page.getByRole('button', { name: 'Remove…' }).click();
    const dialog = page.getByRole('dialog', { name: /Remove the credential/ });
    await dialog.waitFor();
    // Focus moves into the dialog, on the safe choice; Tab stays inside it (modal).
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Remove credential');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await server.api<unknown[]>('GET', '/providers/openai/credentials')).body.data).toHaveLength(1);
    await page.getByRole('button', { name: 'Remove…' }).click();
    await dialog.getByRole('button', { name: 'Remove credential' }).click();
    await page.getByText('Credential removed').waitFor();
    await page.getByTestId('availability').getByText('no credential').waitFor();
    expect((await server.api<unknown[]>('GET', '/providers/openai/credentials')).body.data).toEqual([]);
  });

  it('sweeps every enabled provider from the list and shows what each check saw', async () => {
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await page.getByLabel('Enabled').selectOption('true');
    await page.getByRole('button', { name: 'Check all now' }).click();
    await page.getByText(/^Checked \d+ enabled providers in \d+ ms/).waitFor({ timeout: 30_000 });
    // Ollama (no key needed) answered the fake's model list; OpenAI has no credential left, so it was not called.
    expect((await server.api<{ health: { status: string } }>('GET', '/providers/ollama')).body.data.health.status).toBe('healthy');
    await row('ollama').locator('[data-health="healthy"]').waitFor();
    await row('openai').getByText('no credential').waitFor();
    await shot('providers-after-sweep');
  });

  it('called only documented /api routes, and the page raised no error or CSP violation', async () => {
    const document = (await (await fetch(`${server.origin}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      })),
    );
    const called = new Set(requests.map((r) => new URL(r.url()).pathname).filter((p) => p.startsWith('/api/')));
    const undocumented = requests
      .filter((r) => new URL(r.url()).pathname.startsWith('/api/'))
      .filter((r) => !routes.some((route) => route.method === r.method() && route.pattern.test(new URL(r.url()).pathname)))
      .map((r) => `${r.method()} ${new URL(r.url()).pathname}`);
    expect(called.size).toBeGreaterThan(10);
    expect(undocumented).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
