import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/domain-error';
import { runBounded } from '../../common/run-bounded';
import { REGISTRY_DATA_SOURCE, REGISTRY_SETTINGS, RegistrySettings } from '../providers.options';
import { CATALOG } from '../catalog/catalog.token';
import type { Catalog, ProbeKind } from '../catalog/catalog.types';
import type { ProviderCapabilities } from '../catalog/provider-capabilities';
import { CredentialsService } from '../credentials/credentials.service';
import { UnknownProviderError } from '../providers.errors';
import type { HealthStatus } from '../selection/registry-snapshot';
import { RegistryStateService } from '../selection/registry-state.service';
import { validateBaseUrl } from './base-url.policy';
import { classifyProbe } from './classify-probe';
import type { HealthCheckResult, ProviderHealthSummary, SweepResult } from './health.types';
import { runProbe } from './probes/probe-registry';
import type { ProbeOutcome } from './probes/probe.types';

/** The caller cancelled (shutdown): the probe observed nothing about the provider, so nothing is recorded. */
export class HealthCheckCancelledError extends DomainError {
  readonly code = 'HEALTH_CHECK_CANCELLED';
  readonly kind = 'unavailable';
  constructor(readonly provider: string) {
    super(`Health check of ${provider} was cancelled`);
  }
}

interface ProbeRow {
  id: string;
  provider: string;
  enabled: boolean;
  capabilities: Partial<ProviderCapabilities>;
  consecutive_failures: number;
}

/** What a check concluded, before it is stored. */
type Verdict = Omit<HealthCheckResult, 'provider' | 'checkedAt'>;

/**
 * Probes providers and records what it saw. It owns the health columns of provider_configs and
 * nothing else: `enabled` is the operator's and no probe result ever changes it.
 */
@Injectable()
export class HealthService {
  private readonly logger = new Logger(HealthService.name);

  constructor(
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    @Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly credentials: CredentialsService,
    private readonly state: RegistryStateService,
  ) {}

  async check(provider: string, signal?: AbortSignal): Promise<HealthCheckResult> {
    const [row]: ProbeRow[] = await this.dataSource.query(`${PROBE_ROWS} WHERE provider = $1`, [provider]);
    if (!row) throw new UnknownProviderError(provider);
    const result = await this.checkRow(row, signal);
    await this.state.changed('health');
    return result;
  }

  /** Probes every enabled provider, at most HEALTH_CONCURRENCY at once, each bounded by HEALTH_TIMEOUT_MS. */
  async checkAll(signal?: AbortSignal): Promise<SweepResult> {
    const startedAt = new Date();
    const rows: ProbeRow[] = await this.dataSource.query(`${PROBE_ROWS} WHERE enabled ORDER BY priority, provider`);
    const settled = await runBounded(rows, this.settings.healthConcurrency, (row) => this.checkRow(row, signal));
    const results: HealthCheckResult[] = [];
    const errors: SweepResult['errors'] = [];
    let cancelled = 0;
    settled.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') results.push(outcome.value);
      else if (outcome.reason instanceof HealthCheckCancelledError) cancelled++;
      else errors.push({ provider: rows[i].provider, error: (outcome.reason as Error)?.message ?? String(outcome.reason) });
    });
    for (const { provider, error } of errors) this.logger.warn(`Health check of ${provider} failed: ${error}`);
    if (cancelled > 0) this.logger.warn(`Health sweep cancelled: ${cancelled} provider(s) left unchecked, their health unchanged`);
    if (rows.length > 0) await this.state.changed('health');
    return { startedAt, durationMs: Date.now() - startedAt.getTime(), results, errors };
  }

  /** Deletes history older than HEALTH_HISTORY_DAYS; returns how many rows went. */
  async pruneHistory(): Promise<number> {
    const [, deleted] = await this.dataSource.query(
      `DELETE FROM provider_health_checks WHERE checked_at < now() - make_interval(days => $1)`,
      [this.settings.healthHistoryDays],
    );
    return deleted as number;
  }

  async summary(): Promise<ProviderHealthSummary[]> {
    const rows = await this.dataSource.query(SUMMARY_QUERY);
    return rows.map((row: Record<string, unknown>) => ({
      provider: row.provider as string,
      enabled: row.enabled as boolean,
      status: row.health_status as HealthStatus,
      reason: row.last_error as string | null,
      lastCheck: row.last_health_check as Date | null,
      consecutiveFailures: row.consecutive_failures as number,
      uptimePercent24h: row.uptime === null ? null : Math.round(Number(row.uptime) * 10) / 10,
      p50LatencyMs24h: row.p50 === null ? null : Math.round(Number(row.p50)),
      p95LatencyMs24h: row.p95 === null ? null : Math.round(Number(row.p95)),
      checks24h: Number(row.checks),
      drift: (row.drift as string[] | null) ?? [],
    }));
  }

  private async checkRow(row: ProbeRow, signal?: AbortSignal): Promise<HealthCheckResult> {
    if (signal?.aborted) throw new HealthCheckCancelledError(row.provider);
    const verdictFor = await this.probeRow(row, signal);
    // A probe cut short by our own cancellation says nothing about the provider: recording it as a
    // failure would degrade (and after a few restarts mark unhealthy) every provider on every instance.
    if (signal?.aborted) throw new HealthCheckCancelledError(row.provider);
    // The streak is compare-and-set: a check or another instance's sweep that wrote it while this
    // probe ran makes us re-classify the same outcome on the new streak, never overwrite it.
    let streak = row.consecutive_failures;
    for (let attempt = 0; attempt < 5; attempt++) {
      const verdict = verdictFor(streak);
      const written = await this.dataSource.transaction(async (manager) => {
        // Health columns only (no updated_at: that records the operator's changes).
        const [updated] = await manager.query(
          `UPDATE provider_configs
           SET health_status = $2, last_health_check = now(), health_latency_ms = $3, last_error = $4, consecutive_failures = $5
           WHERE id = $1 AND consecutive_failures = $6 RETURNING id`,
          [row.id, verdict.status, verdict.latencyMs, verdict.reason, verdict.consecutiveFailures, streak],
        );
        if (updated.length === 0) return null;
        const [inserted] = await manager.query(
          `INSERT INTO provider_health_checks (provider_config_id, status, latency_ms, error, listed_models, missing_models)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING checked_at`,
          [row.id, verdict.status, verdict.latencyMs, verdict.reason, verdict.listedModels, JSON.stringify(verdict.missingModels)],
        );
        return inserted.checked_at as Date;
      });
      if (written) return { provider: row.provider, ...verdict, checkedAt: written };
      const [current] = await this.dataSource.query(`SELECT consecutive_failures FROM provider_configs WHERE id = $1`, [row.id]);
      if (!current) throw new UnknownProviderError(row.provider);
      streak = current.consecutive_failures;
    }
    throw new Error(`Health of ${row.provider} kept changing under concurrent checks; this result was not recorded`);
  }

  /** Probes once; the verdict depends on the failure streak, which is only final at write time. */
  private async probeRow(row: ProbeRow, signal?: AbortSignal): Promise<(streak: number) => Verdict> {
    const entry = this.catalog.providers.get(row.provider);
    const kind = (row.capabilities.probe ?? entry?.probe) as ProbeKind | undefined;
    const requiresApiKey = row.capabilities.requiresApiKey ?? entry?.requiresApiKey ?? true;
    const notProbed = (reason: string) => (streak: number): Verdict => ({
      status: 'unknown',
      reason,
      latencyMs: null,
      consecutiveFailures: streak,
      listedModels: null,
      missingModels: [],
      probed: false,
    });
    if (!kind) return notProbed('no probe kind: the provider is not in the catalog and its capabilities name none');
    const credential = await this.credentials.getProbeCredential(row.provider);
    if (requiresApiKey && !credential) return notProbed('no usable credential (missing, inactive or expired)');
    let baseUrl: string;
    try {
      baseUrl = validateBaseUrl(credential?.baseUrl ?? row.capabilities.baseUrl ?? entry?.baseUrl ?? '');
    } catch (error) {
      return notProbed(`base URL rejected: ${(error as Error).message}`);
    }
    const models = [...(row.capabilities.textModels ?? []), ...(row.capabilities.embeddingModels ?? [])].map((m) => m.id);
    const outcome: ProbeOutcome = await runProbe(
      { provider: row.provider, kind, baseUrl, apiKey: credential?.apiKey || undefined, catalogModelIds: models },
      { timeoutMs: this.settings.healthTimeoutMs, signal },
    );
    return (streak) => {
      const next = classifyProbe(outcome, {
        consecutiveFailures: streak,
        unhealthyAfter: this.settings.healthUnhealthyAfter,
        degradedMs: this.settings.healthDegradedMs,
      });
      return {
        status: next.status,
        reason: next.reason,
        latencyMs: next.latencyMs,
        consecutiveFailures: next.consecutiveFailures,
        listedModels: outcome.kind === 'ok' ? outcome.listedModels : null,
        missingModels: outcome.kind === 'ok' ? outcome.missingModels : [],
        probed: true,
      };
    };
  }
}

const PROBE_ROWS = `SELECT id, provider, enabled, capabilities, consecutive_failures FROM provider_configs`;

const SUMMARY_QUERY = `
  SELECT p.provider, p.enabled, p.health_status, p.last_error, p.last_health_check, p.consecutive_failures,
         s.uptime, s.p50, s.p95, coalesce(s.checks, 0) AS checks, latest.missing_models AS drift
  FROM provider_configs p
  LEFT JOIN LATERAL (
    SELECT 100.0 * avg(CASE WHEN h.status = 'unhealthy' THEN 0 ELSE 1 END) FILTER (WHERE h.status <> 'unknown') AS uptime,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY h.latency_ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY h.latency_ms) AS p95,
           count(*) AS checks
    FROM provider_health_checks h
    WHERE h.provider_config_id = p.id AND h.checked_at > now() - interval '24 hours'
  ) s ON true
  LEFT JOIN LATERAL (
    SELECT h.missing_models FROM provider_health_checks h
    WHERE h.provider_config_id = p.id ORDER BY h.checked_at DESC, h.id DESC LIMIT 1
  ) latest ON true
  ORDER BY p.priority, p.provider`;
