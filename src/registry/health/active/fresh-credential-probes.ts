import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { CredentialWriteListener } from '../../credentials/credential.types';
import { CredentialsService } from '../../credentials/credentials.service';
import type { RegistrySettings } from '../../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../../kernel/registry-tokens';
import { HealthCheckCancelledError, HealthService } from './health.service';

/**
 * A credential this process stored (or switched on) is probed at once, through the same check as a
 * sweep, so a provider's health stops saying "no usable credential", or what the old key got, minutes
 * before the next sweep would have looked. Bounded: at most HEALTH_CONCURRENCY probes at once and one
 * per provider (a provider written again while its probe runs is probed once more after it), each
 * bounded by HEALTH_TIMEOUT_MS; never awaited by the write; cancelled at shutdown. Part of scheduled
 * health, so off with it (HEALTH_CHECK_INTERVAL_MS=0).
 */
@Injectable()
export class FreshCredentialProbes implements CredentialWriteListener, OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(FreshCredentialProbes.name);
  /** Providers waiting for a probe, in the order they were written. */
  private readonly waiting = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    private readonly health: HealthService,
    private readonly credentials: CredentialsService,
  ) {}

  onModuleInit(): void {
    this.credentials.addWriteListener(this);
  }

  afterWrite(provider: string): void {
    if (this.settings.healthCheckIntervalMs === 0 || this.abort.signal.aborted) return;
    this.waiting.add(provider);
    this.startNext();
  }

  /** Resolves once no probe is waiting or running. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Probes still waiting are dropped, running ones cancelled (they record nothing) and waited for. */
  async beforeApplicationShutdown(): Promise<void> {
    this.waiting.clear();
    this.abort.abort();
    await this.settled();
  }

  private startNext(): void {
    for (const provider of this.waiting) {
      if (this.running.size >= this.settings.healthConcurrency) return;
      if (this.running.has(provider)) continue;
      this.waiting.delete(provider);
      const run = this.probe(provider).finally(() => {
        this.running.delete(provider);
        this.startNext();
      });
      this.running.set(provider, run);
    }
  }

  private async probe(provider: string): Promise<void> {
    try {
      const result = await this.health.check(provider, this.abort.signal);
      this.logger.debug(`Checked ${provider} with its new credential: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
    } catch (error) {
      if (error instanceof HealthCheckCancelledError) return;
      this.logger.warn(`Checking ${provider} with its new credential failed: ${(error as Error).message}`);
    }
  }
}
