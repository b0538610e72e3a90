import type { SyncResult } from '../../registry';

function show(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? summarise(value) : String(value);
}

/** Capabilities are objects of model lists: a diff line names what is in them, not a JSON dump. */
function summarise(value: object): string {
  const record = value as { textModels?: unknown[]; embeddingModels?: unknown[] };
  if (Array.isArray(record.textModels) || Array.isArray(record.embeddingModels)) {
    return `${record.textModels?.length ?? 0} text / ${record.embeddingModels?.length ?? 0} embedding models`;
  }
  return JSON.stringify(value);
}

/** A catalog sync's diff as lines a person reads: what is (or would be) created, changed, pruned, kept. */
export function renderSyncDiff(result: SyncResult): string[] {
  const would = result.dryRun ? 'would be ' : '';
  const lines: string[] = [];
  for (const provider of result.created) lines.push(`+ ${provider}: ${would}created from the catalog`);
  for (const { provider, changes } of result.updated) {
    lines.push(`~ ${provider}: ${would}updated`);
    for (const change of changes) lines.push(`    ${change.field}: ${show(change.from)} → ${show(change.to)}`);
  }
  for (const provider of result.pruned) lines.push(`- ${provider}: ${would}disabled (no longer in the catalog)`);
  for (const provider of result.notInCatalog) lines.push(`? ${provider}: not in the catalog, left as it is (--prune disables it)`);
  for (const kept of result.overridden) {
    lines.push(`= ${kept.provider}: operator's ${kept.field} ${show(kept.operator)} stays over the catalog's ${show(kept.catalog)}`);
  }
  const changed = result.created.length + result.updated.length + result.pruned.length;
  lines.push(
    `${result.dryRun ? 'Dry run: ' : ''}${result.created.length} created, ${result.updated.length} updated, ` +
      `${result.pruned.length} pruned, ${result.unchanged.length} unchanged` +
      (result.dryRun && changed > 0 ? ' (run without --dry-run to apply)' : ''),
  );
  return lines;
}
