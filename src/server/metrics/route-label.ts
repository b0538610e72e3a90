/** Methods Node's HTTP parser accepts that an API sees; anything else is counted as `OTHER`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function methodLabel(method: string | undefined): string {
  return method !== undefined && METHODS.has(method) ? method : 'OTHER';
}

/**
 * The route template Express matched (`/api/providers/:provider`), never the URL a client sent:
 * paths carry provider names, ids and whatever a scanner tries, which would make the series unbounded.
 * `before`: req.route when our middleware ran (Nest mounts middleware as a catch-all route); still
 * that one at the end means no controller route matched.
 */
export function routeLabel(route: { path?: unknown } | undefined, before?: unknown): string {
  return route !== undefined && route !== before && typeof route.path === 'string' ? route.path : 'unmatched';
}
