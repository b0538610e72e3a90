import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT } from '../../support/server-process';
import { describeInChromium, launchChromium } from './support/chromium';
import { ConsoleApp, startConsoleApp } from './support/console-app';
import { signIn, unlabelledControls } from './support/console-page';

const SHOTS = path.join(REPO_ROOT, 'artifacts', 'admin');

interface ListedKey {
  id: string;
  name: string;
  prefix: string;
  models: string[] | null;
  expiresAt: string | null;
  status: string;
}

describeInChromium('Admin console: the Keys page', () => {
  let server: ConsoleApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The key the page created, as its POST answered it (the test's only copy). */
  let created: { id: string; key: string };
  const apiCalls: string[] = [];
  const responseBodies: Array<Promise<{ url: string; text: string } | null>> = [];
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  function watch(target: Page): void {
    target.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) apiCalls.push(`${request.method()} ${url.pathname}`);
    });
    target.on('response', (response) => {
      responseBodies.push(
        response
          .body()
          .then((body) => ({ url: `${response.request().method()} ${new URL(response.url()).pathname}`, text: body.toString('utf8') }))
          .catch(() => null),
      );
    });
    target.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    target.on('pageerror', (error) => pageErrors.push(error.message));
  }

  /** Every place a page holds text: its markup, its visible text, the values of its fields, its storage, its URL. */
  function everywhere(target: Page): Promise<{ html: string; text: string; fields: string[]; storage: string[]; url: string }> {
    return target.evaluate(() => ({
      html: document.documentElement.outerHTML,
      text: document.body.innerText,
      fields: Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')).map((i) => i.value),
      storage: [...Object.values(sessionStorage), ...Object.values(localStorage)],
      url: location.href,
    }));
  }

  async function shot(name: string, target: Page = page): Promise<void> {
    expect(await unlabelledControls(target)).toEqual([]);
    fs.mkdirSync(SHOTS, { recursive: true });
    await target.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  const keyRow = (name: string, target: Page = page) => target.locator(`tr[data-key="${name}"]`);

  async function listed(): Promise<ListedKey[]> {
    return (await server.api<ListedKey[]>('GET', '/keys')).body.data;
  }

  function gatewayModels(key: string): Promise<Response> {
    return fetch(`${server.origin}/v1/models`, { headers: { Authorization: `Bearer ${key}` } });
  }

  beforeAll(async () => {
    server = await startConsoleApp();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    page = await context.newPage();
    watch(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('an admin creates a key for two catalog models: shown once in its own field, copied exactly, nowhere else; it calls the gateway', async () => {
    await signIn(page, server.origin);
    await page.getByRole('link', { name: 'Keys', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/admin/keys');
    await page.getByRole('heading', { name: 'Create a key' }).waitFor();
    await page.getByText('No keys yet.').waitFor();

    await page.getByLabel('Name', { exact: true }).fill('reports-svc');
    await page.getByLabel('Only the models chosen below').check();
    // The registry's models, offered from the providers' catalog capabilities as provider/model.
    const options = page.getByTestId('model-options');
    await options.getByLabel('openrouter/meta-llama/llama-3.1-70b-instruct').waitFor();
    await page.getByLabel('Filter models').fill('mini openai');
    expect(await options.locator('input[type="checkbox"]').evaluateAll((all) => all.map((i) => (i as HTMLInputElement).value))).toEqual([
      'openai/gpt-4o-mini',
      'openai/gpt-4.1-mini',
      'openai/gpt-5-mini',
      'openrouter/openai/gpt-4o-mini',
    ]);
    await options.getByLabel('openai/gpt-4o-mini', { exact: true }).check();
    await page.getByLabel('Filter models').fill('haiku');
    await options.getByLabel('anthropic/claude-haiku-4-5').check();
    await page.getByText('2 chosen: openai/gpt-4o-mini, anthropic/claude-haiku-4-5').waitFor();
    await page.getByLabel('Expires on (at the start of that day, UTC; empty: never)').fill('2031-01-01');
    await page.getByLabel('Filter models').fill('');
    await shot('keys-form');

    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    const answer = await answered;
    expect(answer.status()).toBe(201);
    expect(answer.headers()['cache-control']).toBe('no-store');
    created = ((await answer.json()) as { data: { id: string; key: string } }).data;
    expect(created.key).toMatch(/^sk-reg-[A-Za-z0-9_-]{43}$/);

    // Shown once: in the one read-only field, focused and selected, with the note; nowhere else on the page.
    const reveal = page.getByTestId('new-key');
    await reveal.getByRole('heading', { name: 'Key created: reports-svc' }).waitFor();
    const field = reveal.getByLabel('Key', { exact: true });
    expect(await field.inputValue()).toBe(created.key);
    expect(await field.getAttribute('readonly')).not.toBeNull();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.id)).toBe('new-key-value');
    await reveal.getByText('Copy the key now: you will not see it again.').waitFor();
    const seen = await everywhere(page);
    expect(seen.fields.filter((value) => value.includes(created.key))).toEqual([created.key]);
    for (const text of [seen.html, seen.text, seen.url, ...seen.storage]) expect(text).not.toContain(created.key);

    // The OpenAI client's snippet: this server's /v1, the key from the environment, the first model.
    const snippet = await reveal.getByTestId('client-snippet').innerText();
    expect(snippet).toContain(
      `const client = new OpenAI({\n  baseURL: '${server.origin}/v1',\n  apiKey: process.env.REGISTRY_API_KEY,\n});`,
    );
    expect(snippet).toContain("client.chat.completions.create({\n  model: 'openai/gpt-4o-mini',");
    expect(snippet).not.toContain(created.key);

    // Copy puts exactly the key on the clipboard.
    await reveal.getByRole('button', { name: 'Copy key' }).click();
    await reveal.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(created.key);
    await shot('keys-created');

    // The list shows the new key by its prefix, never the key.
    const row = keyRow('reports-svc');
    await row.waitFor();
    const cells = await row.locator('th, td').allInnerTexts();
    expect(cells.slice(0, 5)).toEqual([
      'reports-svc',
      `${created.key.slice(0, 12)}…`,
      'openai/gpt-4o-mini\nanthropic/claude-haiku-4-5',
      '2031-01-01 00:00:00 UTC',
      'active',
    ]);
    expect(cells[5]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect(await listed()).toEqual([
      expect.objectContaining({
        name: 'reports-svc',
        models: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'],
        expiresAt: '2031-01-01T00:00:00.000Z',
        status: 'active',
      }),
    ]);

    // The key is the gateway's: /v1/models answers it.
    expect((await gatewayModels(created.key)).status).toBe(200);

    // "I have stored the key": the key is gone from the page, and the form is back, empty.
    await reveal.getByRole('button', { name: 'I have stored the key' }).click();
    await reveal.waitFor({ state: 'detached' });
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Every model, also those added later').isChecked()).toBe(true);
    const after = await everywhere(page);
    for (const text of [after.html, after.text, after.url, ...after.fields, ...after.storage]) expect(text).not.toContain(created.key);
    // Three polls later nothing brought it back; of every answer the page got, only the POST held it.
    await page.waitForTimeout(3500);
    expect((await everywhere(page)).fields.some((value) => value.includes(created.key))).toBe(false);
    const bodies = (await Promise.all(responseBodies)).filter((b): b is { url: string; text: string } => b !== null);
    expect(bodies.some((b) => b.url === 'GET /api/keys')).toBe(true);
    expect(bodies.filter((b) => b.text.includes(created.key)).map((b) => b.url)).toEqual(['POST /api/keys']);
    await shot('keys');
  });

  it('revokes after a confirmation (cancel first changes nothing): the status turns revoked and the gateway refuses the key', async () => {
    const row = keyRow('reports-svc');
    await row.getByRole('button', { name: 'Revoke reports-svc…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the key reports-svc?' });
    await dialog.getByText(`${created.key.slice(0, 12)}…`).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await listed())[0].status).toBe('active');

    await row.getByRole('button', { name: 'Revoke reports-svc…' }).click();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await row.getByTestId('key-status').getByText('revoked').waitFor();
    expect(await row.getByTestId('key-status').innerText()).toMatch(/^revoked \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    await page.getByText(`Revoked reports-svc: calls with ${created.key.slice(0, 12)}… are refused from now on.`).waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    expect((await listed())[0]).toMatchObject({ id: created.id, status: 'revoked' });
    expect((await gatewayModels(created.key)).status).toBe(401);
  });

  it("shows the API's message next to the field it names: a bad or taken name, an empty model list, a past expiry; nothing is created", async () => {
    const name = page.getByLabel('Name', { exact: true });
    const nameError = page.locator('#key-name-error');
    const create = page.getByRole('button', { name: 'Create key' });
    const refused = (body: object) => server.api('POST', '/keys', body).then((r) => r.body as unknown as { message: string });

    await name.fill('Reports Service!');
    await create.click();
    const badName = await refused({ name: 'Reports Service!' });
    await nameError.getByText(badName.message, { exact: true }).waitFor();
    expect(badName.message).toMatch(/^name: must be 1-100 of a-z/);
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await name.getAttribute('aria-describedby')).toBe('key-name-error');
    await page.getByText('Not created: see the marked fields.').waitFor();
    await shot('keys-bad-name');

    // Names stay taken after a revoke: the 409 is the name's.
    await name.fill('reports-svc');
    await create.click();
    await nameError.getByText(/A consumer key named .reports-svc. exists already/).waitFor();

    await name.fill('billing-svc');
    await page.getByLabel('Only the models chosen below').check();
    await create.click();
    const noModels = await refused({ name: 'billing-svc', models: [] });
    await page.locator('#key-models-error').getByText(noModels.message, { exact: true }).waitFor();
    expect(await nameError.count()).toBe(0);

    await page.getByLabel('Every model, also those added later').check();
    await page.getByLabel('Expires on (at the start of that day, UTC; empty: never)').fill('2020-01-01');
    await create.click();
    await page.locator('#key-expiry-error').getByText('expiresAt: must be in the future', { exact: true }).waitFor();
    expect(await page.locator('#key-models-error').count()).toBe(0);

    expect((await listed()).map((k) => k.name)).toEqual(['reports-svc']);
  });

  it('a viewer sees every key without the create form or any revoke control', async () => {
    expect((await server.api('POST', '/keys', { name: 'wall-display' })).status).toBe(201);
    const viewerContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const viewer = await viewerContext.newPage();
    watch(viewer);
    try {
      await viewer.goto(`${server.origin}/admin/keys`);
      await viewer.getByLabel('API token').fill(server.viewerToken);
      await viewer.getByRole('button', { name: 'Sign in' }).click();
      await keyRow('wall-display', viewer).waitFor();
      await keyRow('reports-svc', viewer).getByText('revoked').waitFor();
      expect(await keyRow('wall-display', viewer).getByTestId('key-status').innerText()).toBe('active');
      expect(await keyRow('wall-display', viewer).locator('td').nth(1).innerText()).toBe('every model');
      expect(await viewer.getByRole('heading', { name: 'Create a key' }).count()).toBe(0);
      expect(await viewer.locator('main form, main input').count()).toBe(0);
      expect(await viewer.locator('main button').count()).toBe(0);
      expect(await viewer.getByTestId('keys-table').locator('thead th').allTextContents()).toEqual([
        'Name',
        'Key',
        'Models',
        'Expires',
        'Status',
        'Created',
        'Limits',
      ]);
      await shot('keys-viewer', viewer);
    } finally {
      await viewerContext.close();
    }
  });

  it('called only documented /api routes, and the page raised no error or CSP violation', async () => {
    const document = (await (await fetch(`${server.origin}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      })),
    );
    const undocumented = apiCalls.filter((call) => {
      const [method, pathname] = call.split(' ');
      return !routes.some((route) => route.method === method && route.pattern.test(pathname));
    });
    expect(new Set(apiCalls)).toEqual(
      new Set(['GET /api/auth/whoami', 'GET /api/keys', 'GET /api/providers', 'POST /api/keys', 'DELETE /api/keys/' + created.id]),
    );
    expect(undocumented).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
