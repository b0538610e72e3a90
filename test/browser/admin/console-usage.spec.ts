import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitFor } from '../../support/server-process';
import { describeInChromium, launchChromium } from './support/chromium';
import { ADMIN_TOKEN, ConsoleApp } from './support/console-app';
import { ConsoleWithFakes, OPENAI_KEY, reportUsage, startConsoleWithFakes } from './support/console-fakes';
import { signIn } from './support/console-page';
import { ConsoleRecorder, shot } from './support/console-recorder';

/** Pixels uPlot painted on a chart's canvas. */
function inkOf(chart: ReturnType<Page['getByTestId']>): Promise<number> {
  return chart.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
  });
}

/**
 * The console's views of choices and money: a selection explained, a catalog dry run then applied,
 * usage and the audit trail, spend charted per day by provider and model, and a provider's budget.
 * OpenAI has a key and an operator's display name, Anthropic is switched off, as another operator left them.
 */
describeInChromium('Admin console in Chromium: selection, catalog sync, usage, spend and budgets', () => {
  let fakes: ConsoleWithFakes;
  let server: ConsoleApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const recorder = new ConsoleRecorder();
  const row = (provider: string) => page.locator(`tr[data-provider="${provider}"]`);

  beforeAll(async () => {
    fakes = await startConsoleWithFakes();
    server = fakes.server;
    expect((await server.api('POST', '/providers/openai/credentials', { apiKey: OPENAI_KEY })).status).toBe(201);
    expect((await server.api('PATCH', '/providers/openai', { displayName: 'OpenAI (ours)' })).status).toBe(200);
    expect((await server.api('POST', '/providers/anthropic/disable')).status).toBe(200);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    recorder.watch(page);
    await signIn(page, server.origin);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await fakes?.close();
  });

  it('explains a selection, runs a catalog dry run then applies it, and shows usage and the audit trail', async () => {
    await page.getByRole('link', { name: 'Selection', exact: true }).click();
    await page.getByRole('button', { name: 'Explain the choice' }).click();
    const result = page.getByTestId('selection-result');
    await result.getByText(/Chosen: openai/).waitFor();
    await page.locator('input[name="command-provider"]').fill('anthropic');
    await page.getByRole('button', { name: 'Explain the choice' }).click();
    await result.getByText(/anthropic .*disabled by an operator/).waitFor();
    await shot(page, 'selection');

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
    await shot(page, 'catalog');

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
    await shot(page, 'usage');

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
    await shot(page, 'audit');
  });

  it('charts spend per day by provider and by model over a range, with the rows and the total in USD', async () => {
    // Priced calls (gpt-4o: $2.50 / $10 per million input / output tokens) reported through the API.
    await reportUsage(server, 'console-spend-1', [
      { provider: 'openai', model: 'gpt-4o', inputTokens: 1_000_000, outputTokens: 100_000, outcome: 'success', latencyMs: 800 },
      { provider: 'openai', model: 'gpt-4o-mini', inputTokens: 2_000_000, outputTokens: 500_000, outcome: 'success', latencyMs: 300 },
    ]);
    await reportUsage(server, 'console-spend-2', [
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
    await shot(page, 'usage-spend-month');

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
    await shot(page, 'usage-spend');

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

  it('a budget: the refused amount said at its field; one below the spend takes the provider out as budget_exhausted', async () => {
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
    expect(await error.innerText()).toMatch(/Budget \(USD\) must be more than \$0/);
    expect(await page.getByLabel('Budget (USD)').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Warn at (share, 0.01–1)').fill('1.5');
    await page.getByLabel('Budget (USD)').fill('1');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page
      .locator('#budgetWarnAt-error')
      .getByText(/Warn at can be at most 1/)
      .waitFor();
    expect((await server.api<{ budget: unknown }>('GET', '/providers/openai')).body.data.budget).toBeNull();
    await shot(page, 'budget-error');

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
    await shot(page, 'provider-budget');

    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await row('openai')
      .getByText(/^budget spent until 1 [A-Z][a-z]{2}$/)
      .waitFor();
    await shot(page, 'providers-budget-exhausted');

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

  it('called only documented /api routes, and the page raised no error or CSP violation', async () => {
    const { called, undocumented } = await recorder.apiCalls(server.origin);
    expect(called.size).toBeGreaterThan(5);
    expect(undocumented).toEqual([]);
    expect(recorder.cspViolations).toEqual([]);
    expect(recorder.pageErrors).toEqual([]);
  });
});
