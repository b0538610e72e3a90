import { runBounded } from '../../../common/run-bounded';
import { defineProbe } from './define-probe';
import { findMissingModels, idsFromList } from './model-list';
import { ProbeDeadline, probeGetJson, unexpectedBody } from './probe-http';

export const ANTHROPIC_VERSION = '2023-06-01';
/** The documented maximum page size; one page holds every Anthropic model by a wide margin. */
const PAGE_LIMIT = 1000;

/**
 * Anthropic: `GET {base}/v1/models?limit=1000` with `x-api-key` and `anthropic-version` →
 * `{ data: [{ id, type: 'model', display_name }], has_more, first_id, last_id }`. A base URL that
 * already ends in `/v1` is accepted as well.
 *
 * The list holds dated ids (`claude-sonnet-4-20250514`) but not aliases (`claude-sonnet-4-0`,
 * `claude-3-5-sonnet-latest`), which a catalog may well use. So each catalog id absent from the list
 * is looked up with `GET /v1/models/{id}` (which resolves aliases, also free) and reported missing
 * only on a 404; a lookup that fails otherwise proves nothing and reports nothing.
 * If the list says has_more (it should not at limit 1000), drift is unknown: listedModels null.
 */
export const anthropicProbe = defineProbe(async (target, baseUrl, deadline) => {
  const modelsUrl = baseUrl.endsWith('/v1') ? `${baseUrl}/models` : `${baseUrl}/v1/models`;
  const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
  if (target.apiKey) headers['x-api-key'] = target.apiKey;

  const reply = await probeGetJson({ url: `${modelsUrl}?limit=${PAGE_LIMIT}`, headers }, deadline);
  if (reply.kind === 'failed') return reply.outcome;

  const ids = idsFromList(reply.body, 'data', ['id']);
  if (!ids) return unexpectedBody(reply, '{ data: [{ id }] }');
  if ((reply.body as { has_more?: unknown }).has_more === true) {
    return { kind: 'ok', latencyMs: reply.latencyMs, listedModels: null, missingModels: [] };
  }
  const unlisted = findMissingModels(target.catalogModelIds, ids);
  const missingModels = await confirmMissing(unlisted, modelsUrl, headers, deadline);
  return { kind: 'ok', latencyMs: reply.latencyMs, listedModels: ids.length, missingModels };
});

async function confirmMissing(
  unlisted: string[],
  modelsUrl: string,
  headers: Record<string, string>,
  deadline: ProbeDeadline,
): Promise<string[]> {
  const lookups = await runBounded(unlisted, 4, (id) => probeGetJson({ url: `${modelsUrl}/${encodeURIComponent(id)}`, headers }, deadline));
  return unlisted.filter((_, i) => {
    const lookup = lookups[i];
    return lookup.status === 'fulfilled' && lookup.value.kind === 'failed' && lookup.value.status === 404;
  });
}
