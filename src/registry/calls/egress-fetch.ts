import { Agent, fetch as undiciFetch } from 'undici';

/**
 * fetch through the egress-checked dispatcher (the health probes' own): the connection's address is
 * checked after DNS, so a base URL whose name resolves to a blocked range never receives the key.
 */
export function egressFetch(dispatcher: Agent): typeof globalThis.fetch {
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })) as unknown as typeof globalThis.fetch;
}
