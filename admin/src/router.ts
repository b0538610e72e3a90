import { useEffect, useState } from 'preact/hooks';

/** The console's routes, under /admin; the server answers index.html for each (SPA fallback). */
export type Route =
  | { page: 'providers' }
  | { page: 'provider'; provider: string }
  | { page: 'selection' }
  | { page: 'catalog' }
  | { page: 'usage' }
  | { page: 'requests' }
  | { page: 'keys' }
  | { page: 'audit' };

const BASE = '/admin';

/** The pages named by their path alone (/admin/<page>). */
const PAGES = ['selection', 'catalog', 'usage', 'requests', 'keys', 'audit'] as const;

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'providers' && parts[1]) return { page: 'provider', provider: parts[1] };
  const page = PAGES.find((p) => p === parts[0]);
  if (page) return { page };
  return { page: 'providers' };
}

export function hrefOf(route: Route): string {
  if (route.page === 'provider') return `${BASE}/providers/${encodeURIComponent(route.provider)}`;
  if (route.page === 'providers') return `${BASE}/`;
  return `${BASE}/${route.page}`;
}

export function navigate(route: Route): void {
  history.pushState(null, '', hrefOf(route));
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return route;
}

/** An in-page link: a real href (open in a new tab works), handled without a reload. */
export function linkHandler(route: Route) {
  return (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(route);
  };
}
