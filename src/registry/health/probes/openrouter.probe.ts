import { defineProbe } from './define-probe';
import { findMissingModels, idsFromList, normaliseOpenRouterModel } from './model-list';
import { HttpReply, probeGetJson, unexpectedBody } from './probe-http';
import type { ProbeOutcome } from './probe.types';

/** The public list carries descriptions and prices of every model (~1 MB today): room to grow, still bounded. */
const MODELS_MAX_BYTES = 4 * 1024 * 1024;

/**
 * OpenRouter (base `https://openrouter.ai/api/v1`).
 *
 * Health and key: `GET {base}/key` with `Authorization: Bearer <key>` → `{ data: { label, usage,
 * limit, limit_remaining, … } }`. It is the documented way to check a key and costs nothing. A key
 * whose credit limit is used up (limit_remaining ≤ 0) is reported as auth_failed with status 402,
 * the status real calls would get: it is as unusable as a revoked key until someone acts.
 *
 * Drift: `/key` says nothing about models, and OpenRouter retires and renames model slugs often,
 * so when the catalog names models we also fetch the public `GET {base}/models` (in parallel, same
 * deadline). It is sent WITHOUT the key: it does not need one, and the key should travel only where
 * it must. Its failure does not make the provider unhealthy (the key works); drift is then unknown
 * (listedModels null). It is skipped when the catalog lists no models, as the body is ~1 MB and
 * is read up to MODELS_MAX_BYTES.
 */
export const openRouterProbe = defineProbe(async (target, baseUrl, deadline) => {
  const headers: Record<string, string> = target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
  // Started first so both run at once; if the key fails, returning disposes the deadline and aborts it.
  const modelsPending =
    target.catalogModelIds.length > 0 ? probeGetJson({ url: `${baseUrl}/models`, maxBytes: MODELS_MAX_BYTES }, deadline) : null;
  const keyReply = await probeGetJson({ url: `${baseUrl}/key`, headers }, deadline);
  if (keyReply.kind === 'failed') return keyReply.outcome;

  const key = (keyReply.body as { data?: unknown } | null)?.data;
  if (typeof key !== 'object' || key === null) return unexpectedBody(keyReply, '{ data: { label, usage, limit } }');
  const { limit, limit_remaining: remaining, usage } = key as Record<string, unknown>;
  if (typeof remaining === 'number' && remaining <= 0) {
    // Numbers only: the body is the server's text, and the reason is stored.
    const amount = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : 'unknown');
    return {
      kind: 'auth_failed',
      latencyMs: keyReply.latencyMs,
      status: 402,
      detail: `key credit limit reached (usage ${amount(usage)} of limit ${amount(limit)})`,
    };
  }
  return { kind: 'ok', latencyMs: keyReply.latencyMs, ...drift(target.catalogModelIds, await modelsPending) };
});

function drift(
  catalogIds: string[],
  reply: HttpReply | null,
): Pick<Extract<ProbeOutcome, { kind: 'ok' }>, 'listedModels' | 'missingModels'> {
  const ids = reply?.kind === 'json' ? idsFromList(reply.body, 'data', ['id']) : null;
  if (!ids) return { listedModels: null, missingModels: [] };
  return { listedModels: ids.length, missingModels: findMissingModels(catalogIds, ids, normaliseOpenRouterModel) };
}
