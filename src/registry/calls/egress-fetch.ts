import type { Agent, fetch as undiciFetch } from 'undici';
import { loadUndici } from '../egress/undici';

/**
 * fetch through the egress-checked dispatcher (the health probes' own): the connection's address is
 * checked after DNS, so a base URL whose name resolves to a blocked range never receives the key.
 */
export function egressFetch(egress: { readonly dispatcher: Agent }): typeof globalThis.fetch {
  return ((input: string | URL, init?: RequestInit) =>
    loadUndici().fetch(input, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: egress.dispatcher,
    })) as unknown as typeof globalThis.fetch;
}
