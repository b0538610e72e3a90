import { Injectable } from '@nestjs/common';
import type { ModelType } from '../../providers/catalog/catalog.types';
import type { CredentialView } from '../../providers/credentials/credential.types';
import { CredentialsService } from '../../providers/credentials/credentials.service';
import type { ProviderConfigView } from '../../providers/provider-configs/provider-config.types';
import { ProviderConfigService } from '../../providers/provider-configs/provider-config.service';
import type { Availability } from '../../providers/selection/availability';
import { AvailabilityService } from '../../providers/selection/availability.service';
import { combinedHealth } from '../../providers/health/combined-health';

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

/** Composes the services' views into API resources; no rule of its own. */
@Injectable()
export class ProviderViews {
  constructor(
    private readonly configs: ProviderConfigService,
    private readonly credentials: CredentialsService,
    private readonly availability: AvailabilityService,
  ) {}

  async list(modelType?: ModelType): Promise<ProviderResource[]> {
    const [configs, credentials] = await Promise.all([this.configs.list(), this.credentials.list()]);
    const byProvider = new Map<string, CredentialView[]>();
    for (const credential of credentials) byProvider.set(credential.provider, [...(byProvider.get(credential.provider) ?? []), credential]);
    return configs.map((config) => this.resource(config, byProvider.get(config.provider) ?? [], modelType));
  }

  async get(provider: string, modelType?: ModelType): Promise<ProviderResource> {
    const config = await this.configs.get(provider);
    return this.resource(config, await this.credentials.list({ provider }), modelType);
  }

  private health(config: ProviderConfigView): ProviderResource['health'] {
    const { status, reason, decidedBy } = combinedHealth(
      { status: config.health.status, reason: config.health.lastError },
      config.circuit,
      new Date(),
    );
    return { ...config.health, status, lastError: reason, decidedBy };
  }

  private resource(config: ProviderConfigView, credentials: CredentialView[], modelType?: ModelType): ProviderResource {
    return {
      provider: config.provider,
      displayName: config.displayName,
      displayNameOverride: config.displayNameOverride,
      enabled: config.enabled,
      inCatalog: config.inCatalog,
      health: this.health(config),
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
