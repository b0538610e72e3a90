import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { REGISTRY_DATA_SOURCE, REGISTRY_SETTINGS, RegistrySettings } from '../providers.options';
import { InvalidInputError, UnknownProviderError } from '../providers.errors';
import { RegistryStateService } from '../selection/registry-state.service';
import { UsageAmounts, UsageTally } from './usage-tally';

export interface UsageRecord {
  requests?: number;
  inputTokens?: number;
  outputTokens?: number;
  credentialId?: string;
}

export interface ProviderUsage {
  provider: string;
  usageCount: number;
  lastUsedAt: Date | null;
  /** Recorded here but not yet flushed to the database. */
  pending: number;
}

const FLUSH_INTERVAL = 'usage-flush';

/** Rows are updated (and locked) in key order, so two instances flushing the same rows cannot deadlock. */
function sortedEntries(tally: Map<string, UsageAmounts>): [string[], UsageAmounts[]] {
  const entries = [...tally.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [entries.map(([key]) => key), entries.map(([, amounts]) => amounts)];
}

function count(field: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidInputError(field, 'must be a non-negative integer');
  return n;
}

/**
 * record() is an in-memory add so callers on the request path pay nothing; the flusher turns the
 * tallies into `n = n + $delta` UPDATEs, which add up exactly whatever the number of instances.
 */
@Injectable()
export class UsageService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageService.name);
  private readonly byProvider = new UsageTally();
  private readonly byCredential = new UsageTally();
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    @Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly state: RegistryStateService,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => {
      this.flush().catch((error: Error) => this.logger.warn(`Usage flush failed, will retry: ${error.message}`));
    }, this.settings.usageFlushMs);
    timer.unref();
    this.scheduler.addInterval(FLUSH_INTERVAL, timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', FLUSH_INTERVAL)) this.scheduler.deleteInterval(FLUSH_INTERVAL);
    await this.flush();
  }

  record(provider: string, usage: UsageRecord = {}): void {
    if (!this.state.current().providers.has(provider)) throw new UnknownProviderError(provider);
    if (usage.credentialId !== undefined && !/^\d{1,19}$/.test(usage.credentialId)) {
      throw new InvalidInputError('credentialId', 'must be a credential id (digits)');
    }
    const amounts: UsageAmounts = {
      requests: count('requests', usage.requests, 1),
      inputTokens: count('inputTokens', usage.inputTokens, 0),
      outputTokens: count('outputTokens', usage.outputTokens, 0),
      lastUsedAt: new Date(),
    };
    this.byProvider.add(provider, amounts);
    if (usage.credentialId !== undefined) this.byCredential.add(usage.credentialId, amounts);
  }

  /** Writes everything recorded so far. Flushes run one after another, never two at once. */
  flush(): Promise<void> {
    const run = this.flushing.catch(() => undefined).then(() => this.writeTallies());
    this.flushing = run;
    return run;
  }

  async getUsage(): Promise<ProviderUsage[]> {
    const rows: Array<{ provider: string; usage_count: string; last_used_at: Date | null }> = await this.dataSource.query(
      `SELECT provider, usage_count, last_used_at FROM provider_configs ORDER BY provider`,
    );
    return rows.map((row) => ({
      provider: row.provider,
      usageCount: Number(row.usage_count),
      lastUsedAt: row.last_used_at,
      pending: this.byProvider.get(row.provider)?.requests ?? 0,
    }));
  }

  private async writeTallies(): Promise<void> {
    const providers = this.byProvider.drain();
    const credentials = this.byCredential.drain();
    if (providers.size === 0 && credentials.size === 0) return;
    try {
      // One transaction: a failure restores both tallies, so nothing is counted twice or lost.
      await this.dataSource.transaction(async (manager) => {
        if (providers.size > 0) {
          const [keys, amounts] = sortedEntries(providers);
          await manager.query(
            `UPDATE provider_configs p
             SET usage_count = p.usage_count + d.requests,
                 last_used_at = GREATEST(p.last_used_at, d.last_used_at)
             FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS d(provider, requests, last_used_at)
             WHERE p.provider = d.provider`,
            [keys, amounts.map((a) => a.requests), amounts.map((a) => a.lastUsedAt)],
          );
        }
        if (credentials.size > 0) {
          const [keys, amounts] = sortedEntries(credentials);
          await manager.query(
            `UPDATE ai_credentials c
             SET usage_count = c.usage_count + d.requests,
                 input_tokens = c.input_tokens + d.input_tokens,
                 output_tokens = c.output_tokens + d.output_tokens,
                 last_used_at = GREATEST(c.last_used_at, d.last_used_at)
             FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::timestamptz[])
               AS d(id, requests, input_tokens, output_tokens, last_used_at)
             WHERE c.id = d.id`,
            [
              keys,
              amounts.map((a) => a.requests),
              amounts.map((a) => a.inputTokens),
              amounts.map((a) => a.outputTokens),
              amounts.map((a) => a.lastUsedAt),
            ],
          );
        }
      });
    } catch (error) {
      this.byProvider.restore(providers);
      this.byCredential.restore(credentials);
      throw error;
    }
  }
}
