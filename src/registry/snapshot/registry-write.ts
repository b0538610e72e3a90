import type { ProviderConfig } from '../entities/provider-config.entity';

/**
 * What a committed write hands back to RegistryStateService: the ids of its transactions (so the
 * triggers' echo of it is skipped) and, when the statement could return them, the affected
 * providers' snapshot rows as they are after the write (so no second query is needed to see it).
 */
export interface RegistryWrite {
  xids: Array<string | null>;
  rows: ProviderConfig[];
}
