import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { RunningProcess, startServer } from '../../support/server-process';
import { describeInChromium, launchChromium } from './support/chromium';
import { ensureConsoleBuilt } from './support/console-build';

/**
 * The console as someone gets it after `npm install && npm start`: the server on the embedded
 * database, signed in with the admin token it wrote to DATA_DIR/admin.token. The issue asks for the
 * page to load in under 1 s there; the figures are printed, not asserted (the machine is shared).
 */
describeInChromium('Admin console on the embedded default', () => {
  let dataDir: string;
  let server: RunningProcess & { port: number };
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-console-'));
    server = await startServer(dataDir, { LOG_LEVEL: 'warn' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads, signs in with the generated admin token and toggles a provider; first paint and round trip printed', async () => {
    const token = fs.readFileSync(path.join(dataDir, 'admin.token'), 'utf8').trim();
    const page = await (await browser.newContext()).newPage();
    const origin = `http://127.0.0.1:${server.port}`;

    await page.goto(`${origin}/admin/`);
    await page.getByLabel('API token').waitFor();
    const firstPaintMs = await page.evaluate(
      () => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime,
    );
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-provider="anthropic"]').waitFor();

    // A second visit, as an operator coming back: the hashed assets come from the cache.
    await page.reload();
    const toggle = page.locator('tr[data-provider="anthropic"]').getByRole('switch');
    await toggle.waitFor();
    const tableMs = await page.evaluate(() => performance.now());
    const started = Date.now();
    await toggle.click();
    await page.locator('tr[data-provider="anthropic"] [role="switch"][aria-checked="false"]').waitFor();
    const toggleRoundTripMs = Date.now() - started;

    const answer = await fetch(`${origin}/api/providers/anthropic`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await answer.json()) as { data: { enabled: boolean } }).data.enabled).toBe(false);
    process.stdout.write(
      `admin console on the embedded default: ${JSON.stringify({
        firstPaintMs: Math.round(firstPaintMs ?? -1),
        signedInTableMs: Math.round(tableMs),
        toggleRoundTripMs,
      })}\n`,
    );
    expect(firstPaintMs).toBeGreaterThan(0);
  });
});
