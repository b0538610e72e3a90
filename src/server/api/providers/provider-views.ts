import { Injectable } from '@nestjs/common';
import { SharedReads } from '../../../common/shared-reads';
import {
  AvailabilityService,
  CredentialViewMapper,
  DEFAULT_CREDENTIAL_TYPE,
  ProviderConfigService,
  ProviderWithCredentials,
  combinedHealth,
  type Availability,
  type CredentialView,
  type ModelType,
  type ProviderConfigView,
} from '../../../registry';

/** A provider as the API shows it: its config, whether it can serve now and why not, its credentials masked. */
export interface ProviderResource {
  provider: string;
  displayName: string;
  displayNameOverride: string | null;
  enabled: boolean;
  inCatalog: boolean;
  /** One health state: the probes', unless real calls tripped the circuit (then unhealthy, `decidedBy: traffic`, until the cooldown ends). */
  health: ProviderConfigView['health'] & { decidedBy: 'probe' | 'traffic' };
  /** Passive health (real calls); an open circuit makes the provider unavailable as `tripped` until its cooldown ends. */
  circuit: ProviderConfigView['circuit'];
  budget: ProviderConfigView['budget'];
  availability: Availability;
  priority: number;
  catalogPriority: number;
  priorityOverride: number | null;
  capabilities: ProviderConfigView['capabilities'];
  uiPreferences: ProviderConfigView['uiPreferences'];
  usage: { usageCount: number; lastUsedAt: Date | null };
  credentials: Array<Pick<CredentialView, 'id' | 'credentialType' | 'masked' | 'status' | 'expiresAt' | 'baseUrl' | 'lastUsedAt'>>;
}

/**
 * Composes the services' views into API resources; no rule of its own. A provider and its
 * credentials come from one read, and their masked keys from what was stored with them.
 */
@Injectable()
export class ProviderViews {
  /**
   * The list is the console's and every dashboard's poll: lists asked for at once share one read
   * (begun after each of them asked, so each still sees every write before it), instead of one
   * query, hydration and mapping per request. Shared: callers filter and page it, never change it.
   */
  private readonly lists = new SharedReads<ModelType | undefined, readonly ProviderResource[]>(async (modelType) =>
    (await this.configs.listWithCredentials()).map((entry) => this.resource(entry, modelType)),
  );

  constructor(
    private readonly configs: ProviderConfigService,
    private readonly credentials: CredentialViewMapper,
    private readonly availability: AvailabilityService,
  ) {}

  list(modelType?: ModelType): Promise<readonly ProviderResource[]> {
    return this.lists.get(modelType);
  }

  async get(provider: string, modelType?: ModelType): Promise<ProviderResource> {
    return this.resource(await this.configs.getWithCredentials(provider), modelType);
  }

  private health(config: ProviderConfigView, credentials: CredentialView[]): ProviderResource['health'] {
    const usable = credentials.some((c) => c.credentialType === DEFAULT_CREDENTIAL_TYPE && c.status === 'active');
    const { status, reason, decidedBy } = combinedHealth(
      { status: config.health.status, reason: config.health.lastError },
      config.circuit,
      new Date(),
      usable,
    );
    return { ...config.health, status, lastError: reason, decidedBy };
  }

  private resource({ config, credentials: rows }: ProviderWithCredentials, modelType?: ModelType): ProviderResource {
    const credentials = rows.map((row) => this.credentials.toView(row, config.enabled));
    return {
      provider: config.provider,
      displayName: config.displayName,
      displayNameOverride: config.displayNameOverride,
      enabled: config.enabled,
      inCatalog: config.inCatalog,
      health: this.health(config, credentials),
      circuit: config.circuit,
      budget: config.budget,
      availability: this.availability.isProviderAvailable(config.provider, modelType),
      priority: config.priority,
      catalogPriority: config.catalogPriority,
      priorityOverride: config.priorityOverride,
      capabilities: config.capabilities,
      uiPreferences: config.uiPreferences,
      usage: { usageCount: config.usageCount, lastUsedAt: config.lastUsedAt },
      credentials: credentials.map((c) => ({
        id: c.id,
        credentialType: c.credentialType,
        masked: c.masked,
        status: c.status,
        expiresAt: c.expiresAt,
        baseUrl: c.baseUrl,
        lastUsedAt: c.lastUsedAt,
      })),
    };
  }
}
