import { consoleTarget } from './console-path';

describe(consoleTarget.name, () => {
  it('answers the page for the console and its own routes', () => {
    for (const path of ['/admin', '/admin/', '/admin/providers', '/admin/providers/openai', '/admin/audit', '/admin/index.html']) {
      expect(consoleTarget(path)).toEqual({ kind: 'page' });
    }
  });

  it('names built assets and top-level static files by one safe segment', () => {
    expect(consoleTarget('/admin/assets/index-CKkvRPEU.js')).toEqual({ kind: 'asset', file: 'assets/index-CKkvRPEU.js' });
    expect(consoleTarget('/admin/favicon.svg')).toEqual({ kind: 'static', file: 'favicon.svg' });
  });

  it('never reaches outside the built folder, and a missing asset is not the page', () => {
    for (const path of [
      '/admin/assets/',
      '/admin/assets/../../main.js',
      '/admin/assets/%2e%2e%2fmain.js',
      '/admin/assets/a/b.js',
      '/admin/..%2fpackage.json',
      '/admin/.env',
      '/admin/assets/%E0%A4%A',
      '/administrator',
      '/api/providers',
    ]) {
      expect(consoleTarget(path)).toEqual({ kind: 'not-found' });
    }
  });
});
