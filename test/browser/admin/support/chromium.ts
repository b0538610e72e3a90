import * as fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (.ci/run installs it with apt); playwright-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

export const hasChromium = fs.existsSync(CHROMIUM);

/**
 * describe() when Chromium is installed; otherwise the browser tests are skipped, except in CI,
 * where a missing browser is an error (CI installs it, so the tests must run there).
 */
export function describeInChromium(name: string, fn: () => void): void {
  if (!hasChromium && process.env.CI) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
      });
    });
    return;
  }
  (hasChromium ? describe : describe.skip)(name, fn);
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: the tests run as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
