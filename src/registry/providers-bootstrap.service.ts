import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CatalogSyncService } from './catalog-sync/catalog-sync.service';
import { ConsumerKeyCache } from './consumer-keys/consumer-key-cache';
import { CredentialsService } from './credentials/credentials.service';
import { RegistryJobs } from './jobs/registry-jobs';
import { KeyLimitsService } from './key-limits/key-limits.service';
import { RegistryStateService } from './snapshot/registry-state.service';

/**
 * Start-up in the order it must happen (after the migrations ran in onModuleInit): the usage flush,
 * request log and key limits timers start, an install missing catalog providers syncs the catalog, the snapshot loads and its
 * resync timer starts, the consumer keys load and theirs starts, key limits listen for other instances' slot requests, the key ring is checked against what is stored, then the health schedule begins.
 */
@Injectable()
export class ProvidersBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProvidersBootstrap.name);

  constructor(
    private readonly catalogSync: CatalogSyncService,
    private readonly state: RegistryStateService,
    private readonly credentials: CredentialsService,
    private readonly jobs: RegistryJobs,
    private readonly consumerKeys: ConsumerKeyCache,
    private readonly keyLimits: KeyLimitsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.jobs.startUsageFlush();
    this.jobs.startRequestLog();
    this.jobs.startKeyLimits();
    await this.catalogSync.syncIfIncomplete(); // logs its own diff
    await this.state.start();
    this.jobs.startSnapshotResync();
    await this.consumerKeys.start();
    this.jobs.startConsumerKeyResync();
    await this.keyLimits.start();
    await this.checkKeyRing();
    this.jobs.startHealthSweep();
  }

  /**
   * A wrong or missing key must be named at boot, not found out by the first request: such
   * credentials are unavailable (credential_undecryptable) until the key is back. A warning, not a
   * refusal to start, so the providers that are readable keep serving.
   */
  private async checkKeyRing(): Promise<void> {
    const check = await this.credentials.checkKeyRing();
    if (check.failing.length === 0) return;
    const missing = check.missingKeyIds.length > 0 ? `; key id(s) not in the key ring: ${check.missingKeyIds.join(', ')}` : '';
    const sample = check.failing
      .slice(0, 5)
      .map((f) => `${f.provider}/${f.credentialType}`)
      .join(', ');
    this.logger.warn(
      `${check.failing.length} of ${check.total} stored credential(s) cannot be decrypted with the configured key ring${missing} ` +
        `(${sample}${check.failing.length > 5 ? ', …' : ''}); they are unavailable until the right key is configured`,
    );
  }
}
