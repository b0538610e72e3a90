import { defineProbe } from './define-probe';
import { findMissingModels, idsFromList, normaliseOllamaModel } from './model-list';
import { probeGetJson, unexpectedBody } from './probe-http';

/**
 * Ollama: `GET {base}/api/tags` → `{ models: [{ name: 'llama3.1:latest', model, … }] }`, the models
 * pulled locally. No key is needed; one given is sent as a Bearer token for Ollama behind an
 * authenticating proxy or ollama.com. A base URL ending in `/v1` (Ollama's OpenAI-compatible
 * endpoint, a common way to configure it) is reduced to the server root, where `/api/tags` lives.
 */
export const ollamaProbe = defineProbe(async (target, baseUrl, deadline) => {
  const root = baseUrl.replace(/\/v1$/, '');
  const headers: Record<string, string> = target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
  const reply = await probeGetJson({ url: `${root}/api/tags`, headers }, deadline);
  if (reply.kind === 'failed') return reply.outcome;

  const names = idsFromList(reply.body, 'models', ['name', 'model']);
  if (!names) return unexpectedBody(reply, '{ models: [{ name }] }');
  return {
    kind: 'ok',
    latencyMs: reply.latencyMs,
    listedModels: names.length,
    missingModels: findMissingModels(target.catalogModelIds, names, normaliseOllamaModel),
  };
});
