import { defineProbe } from './define-probe';
import { findMissingModels, idsFromList } from './model-list';
import { probeGetJson, unexpectedBody } from './probe-http';

/**
 * OpenAI and every OpenAI-compatible server (vLLM, LM Studio, llama.cpp, Groq, Together…):
 * `GET {base}/models` with `Authorization: Bearer <key>` → `{ object: 'list', data: [{ id, object: 'model' }] }`.
 * The key is optional because local compatible servers often run without one. Listing models is
 * free and proves both reachability and the key, without spending a token.
 * Only `data[].id` is required: compatible servers often omit `object` or `owned_by`.
 */
export const openAiProbe = defineProbe(async (target, baseUrl, deadline) => {
  const headers: Record<string, string> = target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
  const reply = await probeGetJson({ url: `${baseUrl}/models`, headers }, deadline);
  if (reply.kind === 'failed') return reply.outcome;

  const ids = idsFromList(reply.body, 'data', ['id']);
  if (!ids) return unexpectedBody(reply, '{ data: [{ id }] }');
  return {
    kind: 'ok',
    latencyMs: reply.latencyMs,
    listedModels: ids.length,
    missingModels: findMissingModels(target.catalogModelIds, ids),
  };
});
