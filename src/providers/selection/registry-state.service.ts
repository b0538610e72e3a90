import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { REGISTRY_COORDINATION, REGISTRY_DATA_SOURCE } from '../providers.options';
import { DataSource } from 'typeorm';
import { CHANGE_CHANNEL, Coordination } from '../../database/coordination/coordination';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { ProviderStateRow, buildSnapshot } from './build-snapshot';
import type { RegistrySnapshot } from './registry-snapshot';

const STATE_QUERY = `
  SELECT p.provider, p.display_name, p.enabled, p.health_status, p.priority, p.capabilities,
         c.id AS credential_id, c.is_active AS credential_active, c.expires_at AS credential_expires_at
  FROM provider_configs p
  LEFT JOIN ai_credentials c ON c.provider_config_id = p.id AND c.credential_type = 'api_key'
  ORDER BY p.priority, p.provider`;

/** Which part of the registry changed; the payload other instances receive. */
export type ChangeKind = 'provider_config' | 'credential' | 'health' | 'catalog_sync';

/**
 * The in-memory snapshot every availability and selection answer comes from, so they cost no query.
 * Rebuilt after each write made through this module and on a NOTIFY from another instance or process.
 */
@Injectable()
export class RegistryStateService implements OnModuleDestroy {
  private readonly logger = new Logger(RegistryStateService.name);
  private readonly instanceId = randomUUID();
  private snapshot: RegistrySnapshot;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    @Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CATALOG) private readonly catalog: Catalog,
    @Inject(REGISTRY_COORDINATION) private readonly coordination: Coordination,
  ) {
    this.snapshot = buildSnapshot([], catalog, Date.now());
  }

  /** Subscribes to other instances' changes, then loads. Called once by ProvidersBootstrap. */
  async start(): Promise<void> {
    this.unsubscribe = await this.coordination.subscribe(CHANGE_CHANNEL, (payload) => this.onNotification(payload));
    await this.refresh();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Expiry needs no rebuild: availability compares each credential's expires_at with the clock. */
  current(): RegistrySnapshot {
    return this.snapshot;
  }

  /** Reloads from the database. Concurrent calls coalesce: at most one reload runs, one more follows. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          const rows: ProviderStateRow[] = await this.dataSource.query(STATE_QUERY);
          this.snapshot = buildSnapshot(rows, this.catalog, Date.now());
        } while (this.refreshAgain);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Call after a committed write: refreshes this instance and tells the others. */
  async changed(kind: ChangeKind): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify({ kind, instance: this.instanceId })]);
    await this.refresh();
  }

  private onNotification(payload: string): void {
    try {
      if ((JSON.parse(payload) as { instance?: string }).instance === this.instanceId) return;
    } catch {
      // Not one of ours (someone else NOTIFYing the channel): refreshing is still the safe answer.
    }
    this.refresh()
      .then(() => this.logger.debug(`Snapshot refreshed after a change notification`))
      .catch((error: Error) => this.logger.warn(`Refresh after a change notification failed: ${error.message}`));
  }
}
