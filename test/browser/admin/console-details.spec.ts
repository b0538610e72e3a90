import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { FakeProvider, FakeProviderServer } from '../../support/fake-provider-server';
import { writeCatalogVariant } from '../../support/catalog-files';
import { waitFor } from '../../support/server-process';
import { describeInChromium, launchChromium } from './support/chromium';
import { ConsoleApp, startConsoleApp } from './support/console-app';
import { TONE_COLOURS, colourOf, signIn } from './support/console-page';
import { shot } from './support/console-recorder';

const OPENAI_KEY = 'sk-proj-DetailsTestKey0123456789abcdefWXYZ';
const ANTHROPIC_KEY = 'sk-ant-api03-DetailsTestKey0123456789abcd';
const HOUR = 3_600_000;

/** What the health chart's time axis shows: its span and each tick with its label. */
async function axisOf(chart: Locator): Promise<{ spanMs: number; ticks: Array<[number, string]> }> {
  return chart.evaluate((el: HTMLElement) => ({
    spanMs: Date.parse(el.dataset.xTo ?? '') - Date.parse(el.dataset.xFrom ?? ''),
    ticks: JSON.parse(el.dataset.xTicks ?? '[]') as Array<[number, string]>,
  }));
}

/** A tick's first line is its UTC time ("14:00") or, a day or more apart, its UTC day ("12-05"). */
function utcLabelOf(seconds: number, label: string): string {
  const iso = new Date(seconds * 1000).toISOString();
  return /^\d\d:\d\d/.test(label) ? iso.slice(11, 16) : iso.slice(5, 10);
}

/**
 * The console's rough edges found by trying it as a newcomer (issue 28): checks that failed said in
 * red, the health chart on a UTC 24-hour axis over the whole window, dates that never break, every
 * column at 760 px, no paging for one page, the audit trail's fields in lines, the budget form's own words.
 */
describeInChromium('Admin console: the details a newcomer trips over', () => {
  let fake: FakeProviderServer;
  let openai: FakeProvider;
  let anthropic: FakeProvider;
  let server: ConsoleApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const row = (provider: string) => page.locator(`tr[data-provider="${provider}"]`);

  beforeAll(async () => {
    fake = new FakeProviderServer();
    await fake.start();
    openai = fake.add('openai', { kind: 'openai', apiKey: OPENAI_KEY, models: ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'] });
    anthropic = fake.add('anthropic', { kind: 'anthropic', apiKey: ANTHROPIC_KEY, models: ['claude-haiku-4-5', 'claude-sonnet-4-5'] });
    const catalog = writeCatalogVariant((doc) => {
      doc.providers.openai.base_url = openai.baseUrl;
      doc.providers.anthropic.base_url = anthropic.baseUrl;
    });
    server = await startConsoleApp({ CATALOG_PATH: catalog });
    expect((await server.api('POST', '/providers/openai/credentials', { apiKey: OPENAI_KEY })).status).toBe(201);
    expect((await server.api('POST', '/providers/anthropic/credentials', { apiKey: ANTHROPIC_KEY })).status).toBe(201);
    // Checks of OpenAI over the last two hours only: a chart that fits its data would show two hours.
    const dataSource = await server.db.dataSource();
    await dataSource.query(
      `INSERT INTO provider_health_checks (provider_config_id, status, latency_ms, error, checked_at)
       SELECT p.id, 'healthy', 150 + n * 10, NULL, now() - make_interval(mins => 20 * n + 5)
       FROM provider_configs p, generate_series(0, 5) AS n WHERE p.provider = 'openai'`,
    );
    browser = await launchChromium();
    // Far from UTC, so a chart in the browser's local time would show it.
    context = await browser.newContext({ viewport: { width: 1360, height: 900 }, timezoneId: 'America/Los_Angeles' });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, server.origin);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await fake?.close();
  });

  it('shows no paging for a list that fits on one page (4 providers, a few audit events)', async () => {
    await page.getByText('Providers 1–4 of 4').waitFor();
    expect(await page.getByRole('navigation', { name: 'Pages of providers' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Previous page|Next page/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Audit trail', exact: true }).click();
    await page.getByTestId('audit-table').getByText('credential.stored').first().waitFor();
    expect(await page.getByRole('navigation', { name: 'Pages of events' }).count()).toBe(0);
  });

  it('says a sweep where every check failed in red, one where some failed in amber, all healthy in green', async () => {
    expect((await server.api('POST', '/providers/ollama/disable')).status).toBe(200);
    expect((await server.api('POST', '/providers/openrouter/disable')).status).toBe(200);
    openai.setMode('unauthorized');
    anthropic.setMode('unauthorized');
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    const result = page.getByTestId('sweep-result');
    const sweep = async (text: RegExp) => {
      await page.getByRole('button', { name: 'Check all now' }).click();
      await result.getByText(text).waitFor({ timeout: 30_000 });
      return { tone: await result.getAttribute('data-tone'), colour: await colourOf(result) };
    };

    expect(await sweep(/^Every check failed \(2 enabled providers, \d+ ms\): 2 unhealthy$/)).toEqual({
      tone: 'error',
      colour: TONE_COLOURS.error,
    });
    anthropic.setMode('ok');
    expect(await sweep(/^Checked 2 enabled providers in \d+ ms: 1 healthy, 1 unhealthy$/)).toEqual({
      tone: 'warn',
      colour: TONE_COLOURS.warn,
    });
    openai.setMode('ok');
    expect(await sweep(/^Checked 2 enabled providers in \d+ ms: 2 healthy$/)).toEqual({ tone: 'ok', colour: TONE_COLOURS.ok });
  });

  it('says a failed or impossible "Test now" in red, a passed one in green', async () => {
    const result = page.getByTestId('test-result');
    const test = async (provider: string, text: RegExp) => {
      await page.goto(`${server.origin}/admin/providers/${provider}`);
      await page.getByRole('button', { name: 'Test now' }).click();
      await result.getByText(text).waitFor();
      return { tone: await result.getAttribute('data-tone'), colour: await colourOf(result) };
    };
    openai.setMode('unauthorized');
    expect(await test('openai', /^Test failed: ✕ unhealthy \d+ ms — auth failed/)).toEqual({ tone: 'error', colour: TONE_COLOURS.error });
    expect(await test('openrouter', /^Not tested: \? unknown \(the provider was not called\) — no usable credential/)).toEqual({
      tone: 'error',
      colour: TONE_COLOURS.error,
    });
    openai.setMode('ok');
    expect(await test('openai', /^Test passed: ● healthy \d+ ms at /)).toEqual({ tone: 'ok', colour: TONE_COLOURS.ok });
  });

  it('draws the health chart over the whole window asked for, on a 24-hour UTC axis', async () => {
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/Los_Angeles');
    const chart = page.getByTestId('health-chart');
    const axisSpanning = async (ms: number) => {
      let axis = await axisOf(chart);
      await waitFor(`an axis of ${ms / HOUR} h`, async () => {
        axis = await axisOf(chart);
        return Math.abs(axis.spanMs - ms) < 60_000 && axis.ticks.length > 2 ? true : undefined;
      });
      return axis;
    };

    const day = await axisSpanning(24 * HOUR);
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
    for (const [seconds, label] of day.ticks) {
      expect([label, label.split('\n')[0]]).toEqual([label, utcLabelOf(seconds, label)]);
      expect(label).not.toMatch(/am|pm/i);
    }
    expect(day.ticks.map(([, label]) => label).join(' ')).toMatch(/\b([01]\d|2[0-3]):00\b/);
    // The browser's own clock says other hours for these ticks: the labels above are not local times.
    const localHours = await page.evaluate((ticks) => ticks.map(([seconds]) => new Date(seconds * 1000).getHours()), day.ticks);
    expect(localHours).not.toEqual(day.ticks.map(([seconds]) => new Date(seconds * 1000).getUTCHours()));

    await page.getByRole('button', { name: 'Last 7 days' }).click();
    const week = await axisSpanning(7 * 24 * HOUR);
    for (const [seconds, label] of week.ticks) expect(label.split('\n')[0]).toBe(utcLabelOf(seconds, label));
    await page.getByRole('button', { name: 'Last 24 h' }).click();
    await axisSpanning(24 * HOUR);
  });

  it("never breaks the budget's dates inside a date, however narrow the card", async () => {
    const days = page.getByTestId('budget-days');
    await days.locator('time').first().waitFor();
    const seen = await days.evaluate((hint: HTMLElement) => {
      const holder = hint.parentElement!;
      const times = Array.from(hint.querySelectorAll('time'));
      const broken: string[] = [];
      let wrapped = false;
      for (let width = 60; width <= 420; width += 10) {
        holder.style.width = `${width}px`;
        if (times[0].getBoundingClientRect().top !== times[times.length - 1].getBoundingClientRect().top) wrapped = true;
        for (const time of times) if (time.getClientRects().length > 1) broken.push(`${width}px: ${time.textContent}`);
      }
      holder.style.width = '';
      return { broken, wrapped, days: times.map((time) => time.textContent) };
    });
    expect(seen.broken).toEqual([]);
    for (const day of seen.days) expect(day).toMatch(/^\d{4}-\d\d-\d\d$/);
    // On the 1st the range is one day; otherwise the two days did go to two lines at some width.
    if (seen.days.length === 2) expect(seen.wrapped).toBe(true);
  });

  it("says what the budget form refuses in the form's own words, naming its labels", async () => {
    const budget = page.getByTestId('budget');
    const save = async (usd: string, warnAt: string) => {
      await page.getByLabel('Budget (USD)').fill(usd);
      await page.getByLabel('Warn at (share, 0.01–1)').fill(warnAt);
      await page.getByRole('button', { name: 'Save budget' }).click();
    };
    await save('-5', '0.8');
    await page
      .locator('#budgetUsd-error')
      .getByText('Budget (USD) must be more than $0. To stop limiting spend, use “Remove budget”.')
      .waitFor();
    await save('ten', '0.8');
    await page
      .locator('#budgetUsd-error')
      .getByText(/^Budget \(USD\) must be an amount in dollars, such as 50/)
      .waitFor();
    await save('10', '1.5');
    await page.locator('#budgetWarnAt-error').getByText('Warn at can be at most 1 (the whole budget).').waitFor();
    expect(await budget.innerText()).not.toMatch(/budgetUsd|budgetWarnAt|null removes/);
    expect((await server.api<{ budget: unknown }>('GET', '/providers/openai')).body.data.budget).toBeNull();
  });

  it("shows a created provider's fields in the audit trail as name: value lines, objects summed up", async () => {
    await page.getByRole('link', { name: 'Audit trail', exact: true }).click();
    await page.getByLabel('Action').selectOption('provider.created');
    await page.getByLabel('Provider', { exact: true }).fill('openai');
    await page.getByRole('button', { name: 'Filter' }).click();
    const after = page.getByTestId('audit-table').locator('tbody tr').first().locator('td.diff-to');
    await after.locator('[data-field="displayName"]').waitFor();
    expect(await after.locator('[data-field="provider"] dd').innerText()).toBe('openai');
    expect(await after.locator('[data-field="enabled"] dd').innerText()).toBe('true');
    // The catalog's capabilities one level down, models by their ids; nothing unset (null, {}) is listed.
    expect(await after.locator('[data-field="capabilities"] [data-field="textModels"] dd').innerText()).toMatch(/^gpt-4o, /);
    expect(await after.locator('[data-field="priorityOverride"], [data-field="uiPreferences"]').count()).toBe(0);
    const text = await after.innerText();
    expect(text).not.toMatch(/[{}"]/);
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(200);
    await shot(page, 'audit-provider-created');
  });

  it('shows every column of the providers table at 760 px, without scrolling', async () => {
    await page.setViewportSize({ width: 760, height: 900 });
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await row('openai').waitFor();
    const fit = await page.evaluate(() => {
      const wrap = document.querySelector('.table-wrap')!;
      const headers = Array.from(document.querySelectorAll('table.providers thead th'));
      return {
        lastHeader: headers[headers.length - 1].textContent,
        overflow: wrap.scrollWidth - wrap.clientWidth,
        lastHeaderRight: headers[headers.length - 1].getBoundingClientRect().right,
        wrapRight: wrap.getBoundingClientRect().right,
        pageOverflow: document.documentElement.scrollWidth - innerWidth,
      };
    });
    expect(fit.lastHeader).toBe('Priority');
    expect(fit.overflow).toBeLessThanOrEqual(0);
    expect(fit.lastHeaderRight).toBeLessThanOrEqual(fit.wrapRight);
    expect(fit.pageOverflow).toBeLessThanOrEqual(0);
    await shot(page, 'providers-760px');
    expect(pageErrors).toEqual([]);
  });
});
