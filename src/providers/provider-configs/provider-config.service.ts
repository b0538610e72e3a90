import { Inject, Injectable } from '@nestjs/common';
import { REGISTRY_DATA_SOURCE } from '../providers.options';
import { DataSource, EntityManager } from 'typeorm';
import { assertSafeUiJson } from '../../common/json-guard/validate-ui-json';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import { ProviderCapabilities, capabilitiesFromCatalog } from '../catalog/provider-capabilities';
import type { UiPreferences } from '../entities/provider-config.entity';
import { InvalidInputError, UnknownProviderError } from '../providers.errors';
import { RegistryStateService } from '../selection/registry-state.service';
import { assertCapabilities } from './capabilities.rules';
import type { ProviderConfigView } from './provider-config.types';

interface ProviderConfigRow {
  id: string;
  provider: string;
  display_name: string;
  enabled: boolean;
  priority: number;
  capabilities: ProviderCapabilities | Record<string, never>;
  ui_preferences: UiPreferences;
  usage_count: string;
  last_used_at: Date | null;
  health_status: ProviderConfigView['health']['status'];
  last_health_check: Date | null;
  health_latency_ms: number | null;
  last_error: string | null;
  consecutive_failures: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * Operator-owned columns of provider_configs. Every write is a targeted UPDATE of the columns it
 * owns, so it can never overwrite the usage flusher's counters or the health checker's columns.
 */
@Injectable()
export class ProviderConfigService {
  constructor(
    @Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly state: RegistryStateService,
  ) {}

  async list(): Promise<ProviderConfigView[]> {
    const rows: ProviderConfigRow[] = await this.dataSource.query(`SELECT * FROM provider_configs ORDER BY priority, provider`);
    return rows.map((row) => this.toView(row));
  }

  async get(provider: string): Promise<ProviderConfigView> {
    const [row]: ProviderConfigRow[] = await this.dataSource.query(`SELECT * FROM provider_configs WHERE provider = $1`, [provider]);
    if (!row) throw new UnknownProviderError(provider);
    return this.toView(row);
  }

  /** From the in-memory snapshot: no query. */
  isEnabled(provider: string): boolean {
    const state = this.state.current().providers.get(provider);
    if (!state) throw new UnknownProviderError(provider);
    return state.enabled;
  }

  enable(provider: string): Promise<void> {
    return this.setEnabled(provider, true);
  }

  disable(provider: string): Promise<void> {
    return this.setEnabled(provider, false);
  }

  async updateCapabilities(provider: string, capabilities: ProviderCapabilities): Promise<void> {
    assertCapabilities(capabilities);
    await this.updateOwned(provider, `capabilities = $2::jsonb`, [JSON.stringify(capabilities)]);
  }

  async getUIPreferences(provider: string): Promise<UiPreferences> {
    return (await this.get(provider)).uiPreferences;
  }

  async updateUIPreferences(provider: string, preferences: UiPreferences): Promise<void> {
    assertSafeUiJson(preferences, 'ui_preferences');
    await this.updateOwned(provider, `ui_preferences = $2::jsonb`, [JSON.stringify(preferences)]);
  }

  async setPriority(provider: string, priority: number): Promise<void> {
    if (!Number.isSafeInteger(priority) || priority < 0 || priority > 1_000_000) {
      throw new InvalidInputError('priority', 'must be an integer between 0 and 1000000');
    }
    await this.updateOwned(provider, `priority = $2`, [priority]);
  }

  /**
   * The id of the provider's config row, creating it from the catalog when missing (a credential
   * stored for a catalog provider before any sync). Unknown to both → UnknownProviderError.
   */
  async ensure(provider: string, manager: EntityManager): Promise<string> {
    const [existing] = await manager.query(`SELECT id FROM provider_configs WHERE provider = $1`, [provider]);
    if (existing) return existing.id as string;
    const entry = this.catalog.providers.get(provider);
    if (!entry) throw new UnknownProviderError(provider);
    const [created] = await manager.query(
      `INSERT INTO provider_configs (provider, display_name, priority, capabilities)
       VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (provider) DO UPDATE SET provider = EXCLUDED.provider
       RETURNING id`,
      [provider, entry.displayName, entry.priority, JSON.stringify(capabilitiesFromCatalog(entry))],
    );
    return created.id as string;
  }

  private async setEnabled(provider: string, enabled: boolean): Promise<void> {
    await this.updateOwned(provider, `enabled = $2`, [enabled]);
  }

  private async updateOwned(provider: string, assignment: string, values: unknown[]): Promise<void> {
    const result = await this.dataSource.query(
      `UPDATE provider_configs SET ${assignment}, updated_at = now() WHERE provider = $1 RETURNING id`,
      [provider, ...values],
    );
    if (result[0].length === 0) throw new UnknownProviderError(provider);
    await this.state.changed('provider_config');
  }

  private toView(row: ProviderConfigRow): ProviderConfigView {
    return {
      id: row.id,
      provider: row.provider,
      displayName: row.display_name,
      enabled: row.enabled,
      priority: row.priority,
      inCatalog: this.catalog.providers.has(row.provider),
      capabilities: row.capabilities,
      uiPreferences: row.ui_preferences,
      usageCount: Number(row.usage_count),
      lastUsedAt: row.last_used_at,
      health: {
        status: row.health_status,
        lastCheck: row.last_health_check,
        latencyMs: row.health_latency_ms,
        lastError: row.last_error,
        consecutiveFailures: row.consecutive_failures,
      },
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
