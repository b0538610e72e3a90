/** What a request under /admin asks for: a built asset, a top-level static file, or the page itself. */
export type ConsoleTarget =
  | { kind: 'asset'; file: string } // assets/<name>: content-hashed by the build, cached as immutable
  | { kind: 'static'; file: string } // a top-level file from admin/public (favicon), cached briefly
  | { kind: 'page' } // index.html: the console's routes are the page's own (SPA fallback)
  | { kind: 'not-found' };

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/**
 * Decides from the URL path alone, so nothing outside the built folder can be named: a file name is
 * one segment of safe characters (no `..`, no slash, no encoded tricks once decoded). A missing asset
 * is a 404, never the page, so a stale hashed name fails loudly instead of parsing HTML as script.
 */
export function consoleTarget(pathname: string): ConsoleTarget {
  if (pathname !== '/admin' && !pathname.startsWith('/admin/')) return { kind: 'not-found' };
  let segments: string[];
  try {
    segments = pathname.slice('/admin'.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { kind: 'not-found' };
  }
  if (segments[0] === 'assets') {
    return segments.length === 2 && FILE_NAME.test(segments[1]) && !segments[1].includes('..')
      ? { kind: 'asset', file: `assets/${segments[1]}` }
      : { kind: 'not-found' };
  }
  if (segments.length === 1 && segments[0].includes('.')) {
    return FILE_NAME.test(segments[0]) && !segments[0].includes('..') && segments[0] !== 'index.html'
      ? { kind: 'static', file: segments[0] }
      : segments[0] === 'index.html'
        ? { kind: 'page' }
        : { kind: 'not-found' };
  }
  return { kind: 'page' };
}
