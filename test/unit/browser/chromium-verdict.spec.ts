import { chromiumVerdict } from '../../browser/admin/support/chromium';

describe(chromiumVerdict.name, () => {
  it('runs the browser suites where Chromium is installed', () => {
    expect(chromiumVerdict('/usr/bin/chromium', true, false)).toEqual({ kind: 'run' });
    expect(chromiumVerdict('/usr/bin/chromium', true, true)).toEqual({ kind: 'run' });
  });

  it('skips them where it is missing, naming the path and how to install it', () => {
    const verdict = chromiumVerdict('/nowhere/chromium', false, false);
    expect(verdict).toEqual({ kind: 'skip', reason: expect.stringMatching(/^\/nowhere\/chromium is missing; /) });
    expect(verdict).toEqual({
      kind: 'skip',
      reason: expect.stringContaining("install Debian's chromium package (apt-get install -y chromium)"),
    });
  });

  it('fails them in CI, which installs Chromium, for the same reason', () => {
    const skipped = chromiumVerdict('/nowhere/chromium', false, false);
    expect(chromiumVerdict('/nowhere/chromium', false, true)).toEqual({ ...skipped, kind: 'fail' });
  });
});
