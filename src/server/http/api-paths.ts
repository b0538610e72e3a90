const API_PREFIX = '/api/';

/**
 * Whether a request target is under the REST API (/api/…), as the router matches it (the prefix
 * case-insensitively): what only the API does to a request, such as the JSON-bodies rule.
 */
export function isApiPath(url: string): boolean {
  return url.length > API_PREFIX.length && url.slice(0, API_PREFIX.length).toLowerCase() === API_PREFIX;
}

const GATEWAY_PREFIX = '/v1/';

/** Whether a request target is under the OpenAI-compatible gateway (/v1/…), the prefix matched as the router does. */
export function isGatewayPath(url: string): boolean {
  return url.length > GATEWAY_PREFIX.length && url.slice(0, GATEWAY_PREFIX.length).toLowerCase() === GATEWAY_PREFIX;
}
