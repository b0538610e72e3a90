import type { Locator, Page } from 'playwright-core';
import { ADMIN_TOKEN } from './console-app';

/** Opens the console and signs in (the admin token unless another is given); resolves once signed in. */
export async function signIn(page: Page, origin: string, token = ADMIN_TOKEN): Promise<void> {
  await page.goto(`${origin}/admin/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
}

/** Controls without an accessible name (label, aria-label or text): none is allowed on any view. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('input, select, textarea, button, [role="switch"]'))
      .filter((el) => {
        const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        return !labelled && !(el.tagName === 'BUTTON' && el.textContent?.trim());
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

/** The computed text colour of what a locator finds, as `rgb(r, g, b)`. */
export function colourOf(target: Locator): Promise<string> {
  return target.evaluate((el) => getComputedStyle(el).color);
}

/** The console's colours for a good, a mixed and a bad outcome (--ok, --warn, --bad in styles.css). */
export const TONE_COLOURS = { ok: 'rgb(26, 127, 55)', warn: 'rgb(154, 103, 0)', error: 'rgb(207, 34, 46)' } as const;
