import { Inject, Injectable, Logger } from '@nestjs/common';
import { assertSafeUiJson } from '../../common/json-guard/validate-ui-json';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog } from '../catalog/catalog.types';
import type { ProviderCapabilities } from '../catalog/provider-capabilities';
import type { AICredential } from '../entities/provider-config.entity';
import type { BudgetWindow, ProviderConfig, UiPreferences } from '../entities/provider-config.entity';
import { BudgetService } from '../spend/budget.service';
import { assertBudgetUsd, assertBudgetWarnRatio, assertBudgetWindow } from './budget-input.rules';
import { CLOSED_CIRCUIT } from '../kernel/circuit';
import { InvalidInputError, StaleVersionError, UnknownProviderError } from '../kernel/registry.errors';
import { effectiveCapabilities, effectivePriority } from '../snapshot/build-snapshot';
import { RegistryStateService } from '../snapshot/registry-state.service';
import { assertCapabilities } from './capabilities.rules';
import { OperatorColumns, ProviderConfigRepository } from './provider-config.repository';
import { assertDisplayNameOverride, assertPriorityOverride, assertProviderName } from './provider-input.rules';
import type { ProviderConfigView } from './provider-config.types';

/** A provider's view and its credential rows as one read found them (never shown as they are: they hold envelopes). */
export interface ProviderWithCredentials {
  config: ProviderConfigView;
  credentials: AICredential[];
}

/**
 * Operator-owned columns of provider_configs. Every write is a targeted UPDATE of the columns it
 * owns, so it can never overwrite the usage flusher's counters, the health checker's columns or
 * what the catalog sync writes; and it returns once this process's snapshot shows it.
 */
@Injectable()
export class ProviderConfigService {
  private readonly logger = new Logger(ProviderConfigService.name);

  constructor(
    private readonly configs: ProviderConfigRepository,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly state: RegistryStateService,
    private readonly budgets: BudgetService,
  ) {}

  /** Every provider with its credentials (masked views are the credentials service's job), preferred first. */
  async list(options: { enabledOnly?: boolean } = {}): Promise<ProviderConfigView[]> {
    return (await this.listWithCredentials(options)).map((entry) => entry.config);
  }

  /**
   * The same, each with its stored credential rows (by type) from the same read, for a caller that
   * shows both (the API's provider list masks them with CredentialViewMapper): one query, not two.
   */
  async listWithCredentials(options: { enabledOnly?: boolean } = {}): Promise<ProviderWithCredentials[]> {
    const rows = await this.configs.findAllWithCredentials(options);
    return rows
      .map((row) => ({ config: this.toView(row), credentials: row.credentials ?? [] }))
      .sort((a, b) => a.config.priority - b.config.priority || (a.config.provider < b.config.provider ? -1 : 1));
  }

  async get(provider: string): Promise<ProviderConfigView> {
    return (await this.getWithCredentials(provider)).config;
  }

  /** One provider with its stored credential rows (by type), from one read. */
  async getWithCredentials(provider: string): Promise<ProviderWithCredentials> {
    const row = await this.configs.findBySlugWithCredentials(assertProviderName(provider));
    if (!row) throw new UnknownProviderError(provider);
    return { config: this.toView(row), credentials: row.credentials ?? [] };
  }

  /** Every provider a caller may name, sorted: the catalog's and any stored outside it. From the snapshot: no query. */
  knownProviders(): string[] {
    const snapshot = this.state.current();
    return [...new Set([...this.catalog.providers.keys(), ...snapshot.providers.keys()])].sort();
  }

  /** From the in-memory snapshot: no query. */
  isEnabled(provider: string): boolean {
    assertProviderName(provider);
    const state = this.state.current().providers.get(provider);
    if (!state) throw new UnknownProviderError(provider);
    return state.enabled;
  }

  async enable(provider: string): Promise<void> {
    await this.update(provider, { enabled: true });
  }

  async disable(provider: string): Promise<void> {
    await this.update(provider, { enabled: false });
  }

  /** The operator's capabilities, in force over the catalog's until cleared with `null`; a sync keeps them. */
  async updateCapabilities(provider: string, capabilities: ProviderCapabilities | null): Promise<void> {
    // Stored as rebuilt by the rule (known fields only, normalised), never as given.
    await this.update(provider, { capabilitiesOverride: capabilities === null ? null : assertCapabilities(capabilities) });
  }

  async getUIPreferences(provider: string): Promise<UiPreferences> {
    return (await this.get(provider)).uiPreferences;
  }

  async updateUIPreferences(provider: string, preferences: UiPreferences): Promise<void> {
    assertProviderName(provider);
    assertSafeUiJson(preferences, 'ui_preferences');
    await this.update(provider, { uiPreferences: preferences });
  }

  /** The operator's priority, in force over the catalog's until cleared with `null`; a sync keeps it. */
  async setPriority(provider: string, priority: number | null): Promise<void> {
    await this.update(provider, { priorityOverride: assertPriorityOverride(priority) });
  }

  /**
   * Several operator settings in one write (the API's PATCH). With `expectedVersion` (an ETag from
   * version()), it applies only if nothing changed since: PreconditionFailedError otherwise, so two
   * operators editing at once cannot silently overwrite each other. Returns the new version.
   */
  async updateSettings(
    provider: string,
    settings: {
      displayName?: string | null;
      enabled?: boolean;
      priority?: number | null;
      uiPreferences?: UiPreferences;
      /** USD per budgetWindow; null removes the budget. */
      budgetUsd?: number | null;
      budgetWindow?: BudgetWindow;
      /** Share of the budget at which a warning is logged. */
      budgetWarnAt?: number;
    },
    expectedVersion?: string,
  ): Promise<string> {
    if (settings.uiPreferences !== undefined) assertSafeUiJson(settings.uiPreferences, 'ui_preferences');
    if (settings.enabled !== undefined && typeof settings.enabled !== 'boolean')
      throw new InvalidInputError('enabled', 'must be true or false');
    return this.update(
      provider,
      {
        displayNameOverride: settings.displayName === undefined ? undefined : assertDisplayNameOverride(settings.displayName),
        enabled: settings.enabled,
        priorityOverride: settings.priority === undefined ? undefined : assertPriorityOverride(settings.priority),
        uiPreferences: settings.uiPreferences,
        budgetUsd: settings.budgetUsd === undefined ? undefined : assertBudgetUsd(settings.budgetUsd),
        budgetWindow: settings.budgetWindow === undefined ? undefined : assertBudgetWindow(settings.budgetWindow),
        budgetWarnRatio: settings.budgetWarnAt === undefined ? undefined : assertBudgetWarnRatio(settings.budgetWarnAt),
      },
      expectedVersion,
    ).then(async (version) => {
      // A raised, lowered or new budget is compared with the window's spend at once, not at the next
      // call. The settings are written by now: a failure here is logged, and the next usage write decides.
      try {
        if (settings.budgetUsd === null) await this.budgets.cleared(provider);
        else if (settings.budgetUsd !== undefined || settings.budgetWindow !== undefined) await this.budgets.check([provider]);
      } catch (error) {
        this.logger.warn(`Comparing the budget of ${provider} with its spend failed: ${(error as Error).message}`);
      }
      return version;
    });
  }

  /** The version of the provider's operator settings, for optimistic concurrency (the API's ETag). */
  async version(provider: string): Promise<string> {
    const version = await this.configs.findVersion(assertProviderName(provider));
    if (version === null) throw new UnknownProviderError(provider);
    return version;
  }

  private async update(provider: string, values: OperatorColumns, expectedVersion?: string): Promise<string> {
    assertProviderName(provider);
    const written = await this.state.write([provider], () => this.configs.updateOperatorColumns(provider, values, expectedVersion));
    if (written !== null) return written.version;
    if (expectedVersion !== undefined && (await this.configs.findVersion(provider)) !== null) throw new StaleVersionError(provider);
    throw new UnknownProviderError(provider);
  }

  private toView(row: ProviderConfig): ProviderConfigView {
    return {
      id: row.id,
      provider: row.provider,
      displayName: row.displayNameOverride ?? row.displayName,
      catalogDisplayName: row.displayName,
      displayNameOverride: row.displayNameOverride,
      enabled: row.enabled,
      priority: effectivePriority(row),
      catalogPriority: row.priority,
      priorityOverride: row.priorityOverride,
      inCatalog: this.catalog.providers.has(row.provider),
      capabilities: effectiveCapabilities(row) as ProviderConfigView['capabilities'],
      catalogCapabilities: row.capabilities,
      capabilitiesOverride: row.capabilitiesOverride,
      uiPreferences: row.uiPreferences,
      usageCount: Number(row.usageCount),
      lastUsedAt: row.lastUsedAt,
      credentialTypes: (row.credentials ?? []).map((c) => c.credentialType),
      health: {
        status: row.healthStatus,
        lastCheck: row.lastHealthCheck,
        latencyMs: row.healthLatencyMs,
        lastError: row.lastError,
        consecutiveFailures: row.consecutiveFailures,
      },
      circuit: this.state.circuitsApply
        ? { state: row.circuitState, until: row.circuitUntil, trips: row.circuitTrips, reason: row.circuitReason }
        : { state: CLOSED_CIRCUIT.state, until: null, trips: 0, reason: null },
      budget:
        row.budgetUsd === null
          ? null
          : { usd: row.budgetUsd, window: row.budgetWindow, warnAt: row.budgetWarnRatio, exhaustedUntil: row.budgetExhaustedUntil },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
