export interface SyncOptions {
  /** Compute and return the diff without writing anything. */
  dryRun?: boolean;
  /** Disable (never delete) providers whose row is no longer in the catalog. */
  prune?: boolean;
}

export interface FieldChange {
  field: 'displayName' | 'capabilities' | 'priority';
  from: unknown;
  to: unknown;
}

export interface SyncResult {
  dryRun: boolean;
  created: string[];
  updated: Array<{ provider: string; changes: FieldChange[] }>;
  unchanged: string[];
  /** Providers that left the catalog and were (or, in a dry run, would be) disabled. */
  pruned: string[];
  /** Providers that left the catalog, left as they are because prune was not asked for. */
  notInCatalog: string[];
  /** Operator overrides that stay in force over what the catalog says (the sync never writes them). */
  overridden: Array<{ provider: string; field: 'displayName' | 'priority' | 'capabilities'; catalog: unknown; operator: unknown }>;
}
