/** Methods Node's HTTP parser accepts that an API sees; anything else is counted as `OTHER`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function methodLabel(method: string | undefined): string {
  return method !== undefined && METHODS.has(method) ? method : 'OTHER';
}

/**
 * The route template Fastify matched (`/api/providers/:provider`), never the URL a client sent:
 * paths carry provider names, ids and whatever a scanner tries, which would make the series
 * unbounded. A request no route matched (answered by the not-found handler) is `unmatched`.
 */
export function routeLabel(request: { is404: boolean; routeOptions: { url?: string } }): string {
  const url = request.routeOptions.url;
  return !request.is404 && url !== undefined ? url : 'unmatched';
}
