/**
 * What a health probe is asked to check and what it reports. A probe answers one question, "can we
 * reach this provider with this key right now, and does it still list the models our catalog names?",
 * using only free listing/introspection endpoints: it never spends tokens.
 */

import type { ProbeKind } from '../../catalog/catalog.types';
import type { ProbeEgress } from '../../egress/probe-egress';

/**
 * 'openai' | 'anthropic' | 'ollama' | 'openrouter' | 'openai_compatible', defined once by the catalog;
 * probe-registry maps each to a probe (`openai_compatible` is probed exactly like `openai`).
 */
export type { ProbeKind };

export interface ProbeTarget {
  /** Catalog name of the provider; used only for the caller's bookkeeping, never sent. */
  provider: string;
  kind: ProbeKind;
  /** As configured; validated with validateBaseUrl (against the egress policy) before any request. */
  baseUrl: string;
  apiKey?: string;
  /** Model ids the catalog promises for this provider; those the provider no longer lists are "missing". */
  catalogModelIds: string[];
}

export interface ProbeOptions {
  /** Budget for the whole probe, body included; a hung server is abandoned at this point. */
  timeoutMs: number;
  /** Caller cancellation (e.g. shutdown); the probe then resolves as `transient` "cancelled". */
  signal?: AbortSignal;
  /**
   * Where the probe may connect: the configured policy (both for the base URL as written and for
   * every address a name resolves to). Default: the built-in policy.
   */
  egress?: ProbeEgress;
}

export type ProbeOutcome =
  /** 2xx with a body of the documented shape. listedModels is null when the count is not known. */
  | { kind: 'ok'; latencyMs: number; listedModels: number | null; missingModels: string[] }
  /** 429: the provider answered and (for all four APIs) accepted the key, but is throttling us. */
  | { kind: 'rate_limited'; latencyMs: number; detail: string }
  /** 401/403 (and OpenRouter's exhausted key credit, reported as 402): retrying will not help. */
  | { kind: 'auth_failed'; latencyMs: number; status: number; detail: string }
  /** Anything that might clear up by itself or needs a look: timeout, refused, TLS, 5xx, other 4xx, bad body, redirect. */
  | { kind: 'transient'; latencyMs: number; detail: string };

export type ProbeFailure = Exclude<ProbeOutcome, { kind: 'ok' }>;

/** Implementations must never throw or reject: every error becomes an outcome. */
export interface Probe {
  probe(target: ProbeTarget, opts: ProbeOptions): Promise<ProbeOutcome>;
}
