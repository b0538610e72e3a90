import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiTokensService } from '../../../src/server/auth/api-tokens.service';
import { waitFor } from '../../support/server-process';
import { describeInChromium, launchChromium } from './support/chromium';
import { ConsoleApp } from './support/console-app';
import { ConsoleWithFakes, OPENAI_KEY, reportUsage, startConsoleWithFakes } from './support/console-fakes';
import { signIn } from './support/console-page';
import { ConsoleRecorder, shot } from './support/console-recorder';

/**
 * The console in day-to-day operation: a circuit tripped by real calls, a lost connection, a viewer's
 * read-only view (and a refused write in words), 2,000 providers, a credential's life, and a sweep.
 * OpenAI has a key; small passive-health thresholds trip a circuit with a few reported calls, and a
 * long cooldown keeps it open while the page is looked at.
 */
describeInChromium('Admin console in Chromium: circuits, viewers, 2,000 providers, credentials and sweeps', () => {
  let fakes: ConsoleWithFakes;
  let server: ConsoleApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const figures: { table2000Ms?: number } = {};
  const recorder = new ConsoleRecorder();
  const row = (provider: string) => page.locator(`tr[data-provider="${provider}"]`);

  beforeAll(async () => {
    fakes = await startConsoleWithFakes({ PASSIVE_HEALTH_MIN_CALLS: '5', PASSIVE_HEALTH_COOLDOWN_MS: '300000' });
    server = fakes.server;
    expect((await server.api('POST', '/providers/openai/credentials', { apiKey: OPENAI_KEY })).status).toBe(201);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    recorder.watch(page);
    await signIn(page, server.origin);
  });

  afterAll(async () => {
    process.stdout.write(`admin console figures: ${JSON.stringify(figures)}\n`);
    await context?.close();
    await browser?.close();
    await fakes?.close();
  });

  it('real calls failing trip a circuit: tripped with its reason in the table and on the provider page, the history says traffic decided', async () => {
    // OpenRouter is enabled and gets a key, so only its circuit can take it out.
    expect((await server.api('POST', '/providers/openrouter/enable')).status).toBe(200);
    expect(
      (await server.api('POST', '/providers/openrouter/credentials', { apiKey: 'sk-or-v1-ConsoleCircuitTest0123456789abcdef' })).status,
    ).toBe(201);
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await row('openrouter').getByText('available', { exact: true }).waitFor({ timeout: 10_000 });
    await reportUsage(server, 'console-circuit-1', [
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
    await shot(page, 'providers-tripped');

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
    await shot(page, 'provider-tripped');

    // Back as it was for the later tests: OpenRouter off (the sweep checks enabled providers only).
    expect((await server.api('POST', '/providers/openrouter/disable')).status).toBe(200);
  });

  it('shows a banner while the connection is down and recovers by itself', async () => {
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await row('openai').waitFor();
    await context.setOffline(true);
    await page.getByTestId('connection-banner').waitFor({ timeout: 10_000 });
    expect(await page.locator('tr[data-provider]').count()).toBeGreaterThan(0); // the last data stays
    await shot(page, 'connection-lost');
    await context.setOffline(false);
    await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('a viewer sees everything read-only, and a forced 403 is shown in words', async () => {
    const viewerContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const viewer = await viewerContext.newPage();
    recorder.watch(viewer);
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
      await shot(viewer, 'viewer-provider');

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
    await shot(page, 'providers-2000');
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
    await shot(page, 'providers-after-sweep');
  });

  it('called only documented /api routes, and the page raised no error or CSP violation', async () => {
    const { called, undocumented } = await recorder.apiCalls(server.origin);
    expect(called.size).toBeGreaterThan(5);
    expect(undocumented).toEqual([]);
    expect(recorder.cspViolations).toEqual([]);
    expect(recorder.pageErrors).toEqual([]);
  });
});
