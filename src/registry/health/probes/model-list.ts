/**
 * Reading model ids out of the providers' list bodies and comparing them with the catalog. Pure,
 * so the matching rules (Ollama tags, OpenRouter variants) are tested without a server.
 */

/** `body[listKey][*][idKey]` as strings, or null when the body does not have that documented shape. */
export function idsFromList(body: unknown, listKey: string, idKeys: readonly string[]): string[] | null {
  if (typeof body !== 'object' || body === null) return null;
  const list = (body as Record<string, unknown>)[listKey];
  if (!Array.isArray(list)) return null;
  const ids: string[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) return null;
    const record = entry as Record<string, unknown>;
    const id = idKeys.map((key) => record[key]).find((value) => typeof value === 'string');
    if (typeof id !== 'string') return null;
    ids.push(id);
  }
  return ids;
}

/** Catalog ids (as spelled in the catalog, in order, once each) whose normalised form is not listed. */
export function findMissingModels(
  catalogIds: readonly string[],
  listedIds: readonly string[],
  normalise: (id: string) => string = (id) => id,
): string[] {
  const listed = new Set(listedIds.map(normalise));
  return [...new Set(catalogIds)].filter((id) => !listed.has(normalise(id)));
}

/**
 * Ollama lists `llama3.1:latest` for a model pulled as `llama3.1`; both spellings name the same
 * model, so an untagged name means `:latest`. The tag is looked for in the last path segment only
 * (`hf.co/org/model:Q4_K_M`, `host:5000/model`). Ollama names are case-insensitive.
 */
export function normaliseOllamaModel(id: string): string {
  const name = id.trim().toLowerCase();
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? name : `${name}:latest`;
}

/**
 * OpenRouter's routing shortcuts (`:nitro` fastest, `:floor` cheapest, `:online` web search) apply
 * to any model and are not listed as ids of their own; `:free`, `:beta`, `:thinking` etc. are real
 * listed variants and are compared as they are.
 */
export function normaliseOpenRouterModel(id: string): string {
  return id.trim().replace(/:(nitro|floor|online)$/, '');
}
