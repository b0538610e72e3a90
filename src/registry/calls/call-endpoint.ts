import type { ProbeKind } from '../catalog/catalog.types';

/** Which of the AI SDK's provider packages speaks a provider's API. */
export type WireFormat = 'openai' | 'anthropic' | 'openai_compatible';

export interface CallEndpoint {
  wire: WireFormat;
  /** The base URL as that package expects it. */
  baseURL: string;
}

/**
 * The provider's configured base URL (what probes use) turned into the one its SDK package calls:
 * the catalog keeps Anthropic's and Ollama's server roots (probes add `/v1/models`, `/api/tags`),
 * while @ai-sdk/anthropic wants `…/v1` and Ollama's OpenAI-compatible API lives under `/v1`.
 * OpenRouter and any OpenAI-compatible endpoint speak chat completions at the base URL itself.
 */
export function callEndpoint(kind: ProbeKind, baseUrl: string): CallEndpoint {
  const base = baseUrl.replace(/\/+$/, '');
  switch (kind) {
    case 'openai':
      return { wire: 'openai', baseURL: base };
    case 'anthropic':
      return { wire: 'anthropic', baseURL: base.endsWith('/v1') ? base : `${base}/v1` };
    case 'ollama':
      return { wire: 'openai_compatible', baseURL: `${base.replace(/\/v1$/, '')}/v1` };
    case 'openrouter':
    case 'openai_compatible':
      return { wire: 'openai_compatible', baseURL: base };
  }
}

/**
 * Where a call may go, by the rule the health probes follow: a key goes only to the base URL its
 * ciphertext is bound to, or to the catalog file's; never to one read from a database column that
 * anyone who can write the database could point elsewhere. Without a key there is nothing to leak,
 * so the provider's capabilities may name it (a keyless self-hosted server). Null: nowhere.
 */
export function callDestination(
  bound: string | null,
  catalogBaseUrl: string | undefined,
  columnBaseUrl: unknown,
  withKey: boolean,
): string | null {
  if (bound) return bound;
  if (catalogBaseUrl) return catalogBaseUrl;
  return !withKey && typeof columnBaseUrl === 'string' && columnBaseUrl !== '' ? columnBaseUrl : null;
}
