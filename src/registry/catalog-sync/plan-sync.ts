import type { CatalogSyncWrites, ExistingProviderRow } from '../provider-settings/provider-config.types';
import type { Catalog } from '../catalog/catalog.types';
import type { FieldChange, SyncResult } from './catalog-sync.types';
import { capabilitiesFromCatalog, sameCapabilities } from '../catalog/provider-capabilities';

export interface SyncPlan extends CatalogSyncWrites {
  result: Omit<SyncResult, 'dryRun'>;
}

/**
 * What a sync would do, decided without the database: catalog fields only (display name,
 * capabilities, priority). enabled, ui_preferences, operator overrides, usage and health are never
 * in the plan; overrides that keep winning over the catalog are reported, so both are visible.
 */
export function planSync(catalog: Catalog, existing: ExistingProviderRow[], prune: boolean): SyncPlan {
  const byProvider = new Map(existing.map((row) => [row.provider, row]));
  const plan: SyncPlan = {
    result: { created: [], updated: [], unchanged: [], pruned: [], notInCatalog: [], overridden: [] },
    inserts: [],
    updates: [],
  };
  for (const entry of catalog.providers.values()) {
    const desired = {
      provider: entry.slug,
      displayName: entry.displayName,
      priority: entry.priority,
      capabilities: capabilitiesFromCatalog(entry),
    };
    const row = byProvider.get(entry.slug);
    if (!row) {
      plan.inserts.push(desired);
      plan.result.created.push(entry.slug);
      continue;
    }
    const changes: FieldChange[] = [];
    if (row.displayName !== desired.displayName) changes.push({ field: 'displayName', from: row.displayName, to: desired.displayName });
    if (row.priority !== desired.priority) changes.push({ field: 'priority', from: row.priority, to: desired.priority });
    if (!sameCapabilities(row.capabilities, desired.capabilities)) {
      changes.push({ field: 'capabilities', from: row.capabilities, to: desired.capabilities });
    }
    if (row.displayNameOverride !== null && row.displayNameOverride !== undefined) {
      plan.result.overridden.push({
        provider: entry.slug,
        field: 'displayName',
        catalog: desired.displayName,
        operator: row.displayNameOverride,
      });
    }
    if (row.priorityOverride !== null && row.priorityOverride !== undefined) {
      plan.result.overridden.push({ provider: entry.slug, field: 'priority', catalog: desired.priority, operator: row.priorityOverride });
    }
    if (row.capabilitiesOverride !== null && row.capabilitiesOverride !== undefined) {
      plan.result.overridden.push({
        provider: entry.slug,
        field: 'capabilities',
        catalog: desired.capabilities,
        operator: row.capabilitiesOverride,
      });
    }
    if (changes.length > 0) {
      plan.updates.push(desired);
      plan.result.updated.push({ provider: entry.slug, changes });
    } else {
      plan.result.unchanged.push(entry.slug);
    }
  }
  for (const row of existing) {
    if (catalog.providers.has(row.provider)) continue;
    if (prune && row.enabled) plan.result.pruned.push(row.provider);
    else if (!prune) plan.result.notInCatalog.push(row.provider);
  }
  return plan;
}
