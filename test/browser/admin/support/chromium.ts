import * as fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describeSkipped } from '../../../support/skipped-suite';

/**
 * Debian's Chromium (.ci/run installs it with apt); playwright-core never downloads a browser.
 * CHROMIUM_PATH names another one (and lets a run check what the suites do without it).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export type ChromiumVerdict = { kind: 'run' } | { kind: 'skip' | 'fail'; reason: string };

/**
 * Whether the browser suites run here: without Chromium they are skipped, saying how to get it,
 * except in CI, where a missing browser is an error (CI installs it, so the tests must run there).
 */
export function chromiumVerdict(executable: string, installed: boolean, inCi: boolean): ChromiumVerdict {
  if (installed) return { kind: 'run' };
  const reason = `${executable} is missing; install Debian's chromium package (apt-get install -y chromium), as .ci/run does, or point CHROMIUM_PATH at one`;
  return { kind: inCi ? 'fail' : 'skip', reason };
}

/** describe() in Chromium, as chromiumVerdict says for this machine. */
export function describeInChromium(name: string, fn: () => void): void {
  const verdict = chromiumVerdict(CHROMIUM, fs.existsSync(CHROMIUM), Boolean(process.env.CI));
  switch (verdict.kind) {
    case 'run':
      describe(name, fn);
      return;
    case 'skip':
      describeSkipped(name, 'without Chromium', verdict.reason, fn);
      return;
    case 'fail':
      describe(name, () => {
        it('needs Chromium', () => {
          throw new Error(verdict.reason);
        });
      });
  }
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: the tests run as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
