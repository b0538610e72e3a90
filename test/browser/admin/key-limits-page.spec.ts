import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeInChromium, launchChromium } from './support/chromium';
import { ADMIN_TOKEN, ConsoleApp, startConsoleApp } from './support/console-app';
import { signIn } from './support/console-page';
import { ConsoleRecorder, shot } from './support/console-recorder';

interface KeyLimits {
  id: string;
  name: string;
  rpm: number | null;
  tpm: number | null;
  maxParallel: number | null;
  budgetUsd: string | null;
  budgetWindow: 'day' | 'month' | null;
  budgetWarnRatio: number | null;
}

describeInChromium("Admin console: a key's limits on the Keys page", () => {
  let server: ConsoleApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let keyId: string;
  const recorder = new ConsoleRecorder();

  /** GET /api/keys/:id as the admin: the key and its ETag. */
  async function getKey(id: string): Promise<{ etag: string; key: KeyLimits }> {
    const response = await fetch(`${server.origin}/api/keys/${id}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    return { etag: response.headers.get('etag') ?? '', key: ((await response.json()) as { data: KeyLimits }).data };
  }

  const keyRow = (name: string, target: Page = page) => target.locator(`tr[data-key="${name}"]`);
  const limitsForm = () => page.getByTestId('key-limits-form');

  beforeAll(async () => {
    server = await startConsoleApp();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    recorder.watch(page);
    const created = await server.api<{ id: string }>('POST', '/keys', { name: 'batch-svc' });
    expect(created.status).toBe(201);
    keyId = created.body.data.id;
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('shows "no limits", then sets 600 requests/min and a $50 monthly budget through the form', async () => {
    await signIn(page, server.origin);
    await page.getByRole('link', { name: 'Keys', exact: true }).click();
    const row = keyRow('batch-svc');
    await row.getByTestId('key-limits').getByText('no limits', { exact: true }).waitFor();

    await row.getByRole('button', { name: 'Limits of batch-svc…' }).click();
    const form = limitsForm();
    await form.getByRole('heading', { name: 'Limits of batch-svc' }).waitFor();
    const rpm = form.getByLabel('Requests per minute');
    await form.getByRole('button', { name: 'Save limits' }).waitFor();
    await page.waitForFunction(
      () => !document.querySelector<HTMLInputElement>('[data-testid="key-limits-form"] input[name="rpm"]')?.disabled,
    );
    expect(await rpm.inputValue()).toBe('');
    await rpm.fill('600');
    await form.getByLabel('Budget (USD)').fill('50');
    await form.getByRole('combobox').selectOption('month');
    await shot(page, 'key-limits-form');
    await form.getByRole('button', { name: 'Save limits' }).click();
    await form.getByText('Limits of batch-svc saved.').waitFor();

    const cell = row.getByTestId('key-limits');
    await cell.getByText('600 requests/min', { exact: true }).waitFor();
    await cell.getByText('$50.00 per month (warning at 80.0 %)', { exact: true }).waitFor();
    const { etag, key } = await getKey(keyId);
    expect(etag).toMatch(/^"\d+"$/);
    expect(key).toMatchObject({
      rpm: 600,
      tpm: null,
      maxParallel: null,
      budgetUsd: '50.0000',
      budgetWindow: 'month',
      budgetWarnRatio: 0.8,
    });
  });

  it("rpm 0 is refused at its field in the form's words, and nothing changes", async () => {
    const before = await getKey(keyId);
    const form = limitsForm();
    const rpm = form.getByLabel('Requests per minute');
    await rpm.fill('0');
    await form.getByRole('button', { name: 'Save limits' }).click();
    await form
      .locator('#key-limits-rpm-error')
      .getByText('Requests per minute must be at least 1. To remove the limit, leave it empty.', { exact: true })
      .waitFor();
    await form.getByText('Not saved: see the marked fields.').waitFor();
    expect(await rpm.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('#key-limits-budgetUsd-error').count()).toBe(0);
    expect(await getKey(keyId)).toEqual(before);
    await keyRow('batch-svc').getByTestId('key-limits').getByText('600 requests/min').waitFor();
  });

  it('a change made through the API after the form loaded: the save answers 412, says so and shows the key as it now is', async () => {
    const form = limitsForm();
    const { etag } = await getKey(keyId);
    const elsewhere = await fetch(`${server.origin}/api/keys/${keyId}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', 'If-Match': etag },
      body: JSON.stringify({ tpm: 200000 }),
    });
    expect(elsewhere.status).toBe(200);

    await form.getByLabel('Requests per minute').fill('700');
    const answered = page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === `/api/keys/${keyId}`);
    await form.getByRole('button', { name: 'Save limits' }).click();
    expect((await answered).status()).toBe(412);
    await form
      .getByText(
        'Not saved: batch-svc was changed by someone else after you started editing. The form now shows its current limits; make your change again.',
      )
      .waitFor();
    await page.waitForFunction(
      () => document.querySelector<HTMLInputElement>('[data-testid="key-limits-form"] input[name="tpm"]')?.value === '200000',
    );
    expect(await form.getByLabel('Requests per minute').inputValue()).toBe('600');
    expect((await getKey(keyId)).key).toMatchObject({ rpm: 600, tpm: 200000 });
    await keyRow('batch-svc').getByTestId('key-limits').getByText('200,000 tokens/min').waitFor();

    // Made again from the key as it now is, the change is saved.
    await form.getByLabel('Requests per minute').fill('700');
    await form.getByRole('button', { name: 'Save limits' }).click();
    await form.getByText('Limits of batch-svc saved.').waitFor();
    expect((await getKey(keyId)).key).toMatchObject({ rpm: 700, tpm: 200000, budgetUsd: '50.0000' });
    await form.getByRole('button', { name: 'Close' }).click();
    await form.waitFor({ state: 'detached' });
  });

  it('a new key takes its limits from the create form', async () => {
    const create = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Create a key' }) });
    await create.getByLabel('Name', { exact: true }).fill('capped-svc');
    await create.getByLabel('Requests per minute').fill('60');
    await create.getByLabel('Budget (USD)').fill('5');
    await create.getByRole('combobox').selectOption('day');
    await create.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('button', { name: 'I have stored the key' }).waitFor();
    const listed = (await server.api<KeyLimits[]>('GET', '/keys')).body.data.find((k) => k.name === 'capped-svc');
    expect(listed).toMatchObject({ rpm: 60, tpm: null, budgetUsd: '5.0000', budgetWindow: 'day', budgetWarnRatio: 0.8 });
    await keyRow('capped-svc').getByTestId('key-limits').getByText('$5.00 per day (warning at 80.0 %)').waitFor();
    await page.getByRole('button', { name: 'I have stored the key' }).click();
  });

  it('a viewer sees the limits but no control to change them', async () => {
    const viewerContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const viewer = await viewerContext.newPage();
    recorder.watch(viewer);
    try {
      await signIn(viewer, server.origin, server.viewerToken);
      await viewer.getByRole('link', { name: 'Keys', exact: true }).click();
      const cell = keyRow('batch-svc', viewer).getByTestId('key-limits');
      await cell.getByText('700 requests/min', { exact: true }).waitFor();
      expect(await cell.locator('li').allInnerTexts()).toEqual([
        '700 requests/min',
        '200,000 tokens/min',
        '$50.00 per month (warning at 80.0 %)',
      ]);
      expect(await viewer.getByRole('button', { name: /Limits of/ }).count()).toBe(0);
      expect(await viewer.locator('main form, main input, main select, main button').count()).toBe(0);
      await shot(viewer, 'key-limits-viewer');
    } finally {
      await viewerContext.close();
    }
  });

  it('called only documented /api routes, and the pages raised no error or CSP violation', async () => {
    expect((await recorder.apiCalls(server.origin)).undocumented).toEqual([]);
    expect(recorder.cspViolations).toEqual([]);
    expect(recorder.pageErrors).toEqual([]);
  });
});
