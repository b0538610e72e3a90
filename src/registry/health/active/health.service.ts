import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../../common/domain-error';
import { isDatabaseUnreachable } from '../../../database/database-errors';
import { RegistryMetrics } from '../../metrics/registry-metrics';
import { runBounded } from '../../../common/run-bounded';
import { RegistrySettings } from '../../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../../kernel/registry-tokens';
import { effectiveCapabilities } from '../../snapshot/build-snapshot';
import type { ProviderHealthCheck } from '../../entities/provider-health-check.entity';
import { HealthRepository, ProbeTarget } from './health.repository';
import { PROBE_EGRESS, ProbeEgress } from '../../egress/probe-egress';
import { assertProviderName } from '../../provider-settings/provider-input.rules';
import { CATALOG } from '../../catalog/catalog.token';
import type { Catalog, ProbeKind } from '../../catalog/catalog.types';
import type { ActiveCredential } from '../../credentials/credential.types';
import { CredentialsService } from '../../credentials/credentials.service';
import { CredentialDecryptError, UnknownKeyError } from '../../key-ring/key-ring.errors';
import { InvalidInputError, UnknownProviderError } from '../../kernel/registry.errors';
import { RegistryStateService } from '../../snapshot/registry-state.service';
import { validateBaseUrl } from '../../egress/base-url.policy';
import { classifyProbe } from './classify-probe';
import { phaseOf } from '../passive/circuit.rules';
import { combinedHealth, NO_USABLE_CREDENTIAL } from '../combined-health';
import type { HealthCheckRecord, HealthCheckResult, HealthWindowView, ProviderHealthSummary, SweepResult } from './health.types';
import type { HealthStatus } from '../../kernel/health-status';
import { HealthWindow, windowSpan } from './health-window';
import { runProbe } from '../probes/probe-registry';
import type { ProbeOutcome } from '../probes/probe.types';

/** The caller cancelled (shutdown): the probe observed nothing about the provider, so nothing is recorded. */
export class HealthCheckCancelledError extends DomainError {
  readonly code = 'HEALTH_CHECK_CANCELLED';
  readonly kind = 'unavailable';
  constructor(readonly provider: string) {
    super(`Health check of ${provider} was cancelled`);
  }
}

/** A stored check as the history shows it. */
function recordOf(check: ProviderHealthCheck): HealthCheckRecord {
  return {
    status: check.status,
    latencyMs: check.latencyMs,
    reason: check.error,
    listedModels: check.listedModels,
    missingModels: check.missingModels,
    checkedAt: check.checkedAt,
    source: check.source,
  };
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
    private readonly health: HealthRepository,
    @Inject(PROBE_EGRESS) private readonly egress: ProbeEgress,
    @Inject(CATALOG) private readonly catalog: Catalog,
    private readonly credentials: CredentialsService,
    private readonly state: RegistryStateService,
    private readonly metrics: RegistryMetrics,
  ) {}

  async check(provider: string, signal?: AbortSignal): Promise<HealthCheckResult> {
    const row = await this.health.findProbeTarget(assertProviderName(provider));
    if (!row) throw new UnknownProviderError(provider);
    const { result, xid } = await this.checkRow(row, signal);
    await this.state.wrote([provider], [xid]);
    return result;
  }

  /**
   * Probes every enabled provider, at most HEALTH_CONCURRENCY at once, each bounded by HEALTH_TIMEOUT_MS.
   * `onChecked` hears of each provider as its check settles, with how many there are (the CLI's progress bar).
   */
  async checkAll(signal?: AbortSignal, onChecked?: (provider: string, total: number) => void): Promise<SweepResult> {
    const startedAt = new Date();
    const rows = await this.health.findEnabledProbeTargets();
    const settled = await runBounded(rows, this.settings.healthConcurrency, (row) =>
      this.checkRow(row, signal).finally(() => onChecked?.(row.provider, rows.length)),
    );
    // A database that went away is no provider's failure: the sweep as a whole failed.
    const lost = settled.find((outcome) => outcome.status === 'rejected' && isDatabaseUnreachable(outcome.reason));
    if (lost) throw (lost as PromiseRejectedResult).reason;
    const results: HealthCheckResult[] = [];
    const xids: string[] = [];
    const errors: SweepResult['errors'] = [];
    let cancelled = 0;
    settled.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') {
        results.push(outcome.value.result);
        xids.push(outcome.value.xid);
      } else if (outcome.reason instanceof HealthCheckCancelledError) cancelled++;
      else errors.push({ provider: rows[i].provider, error: (outcome.reason as Error)?.message ?? String(outcome.reason) });
    });
    for (const { provider, error } of errors) this.logger.warn(`Health check of ${provider} failed: ${error}`);
    if (cancelled > 0) this.logger.warn(`Health sweep cancelled: ${cancelled} provider(s) left unchecked, their health unchanged`);
    await this.state.wrote(
      results.map((r) => r.provider),
      xids,
    );
    return { startedAt, durationMs: Date.now() - startedAt.getTime(), results, errors };
  }

  /** Deletes history older than HEALTH_HISTORY_DAYS; returns how many rows went. */
  async pruneHistory(): Promise<number> {
    return this.health.pruneOlderThan(this.settings.healthHistoryDays);
  }

  /** A provider's latest checks, newest first (status, latency, reason, drift), at most `limit` (≤ 500). */
  async history(provider: string, limit = 50): Promise<HealthCheckRecord[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500)
      throw new InvalidInputError('limit', 'must be an integer between 1 and 500');
    const checks = await this.health.recentChecks(assertProviderName(provider), limit);
    return checks.map(recordOf);
  }

  /** A provider's health over the last day or week, bucketed for a chart, with the checks that went wrong. */
  async window(provider: string, window: HealthWindow): Promise<HealthWindowView> {
    const slug = assertProviderName(provider);
    const { windowSeconds, bucketSeconds } = windowSpan(window);
    const [buckets, problems] = await Promise.all([
      this.health.windowBuckets(slug, windowSeconds, bucketSeconds),
      this.health.problemsInWindow(slug, windowSeconds, 100),
    ]);
    const round = (value: number | null, digits = 0) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);
    return {
      window,
      since: new Date(Date.now() - windowSeconds * 1000),
      bucketSeconds,
      buckets: buckets.map((b) => ({
        start: b.start,
        checks: b.checks,
        failures: b.failures,
        uptimePercent: round(b.uptime, 1),
        p50LatencyMs: round(b.p50),
        maxLatencyMs: round(b.max),
      })),
      problems: problems.map(recordOf),
    };
  }

  async summary(provider?: string): Promise<ProviderHealthSummary[]> {
    const rows = await this.health.summaries(provider === undefined ? undefined : assertProviderName(provider));
    const snapshot = this.state.current();
    const now = new Date();
    return rows.map((row) => {
      const state = snapshot.providers.get(row.provider);
      const circuit = state?.circuit;
      const expiresAt = state?.credentialExpiresAt;
      const credentialUsable = state?.credential === 'active' && !(expiresAt && expiresAt <= now);
      return {
        provider: row.provider,
        enabled: row.enabled,
        ...combinedHealth({ status: row.healthStatus, reason: row.lastError }, circuit, now, credentialUsable),
        circuit: circuit
          ? { phase: phaseOf(circuit, now), until: circuit.until, trips: circuit.trips, reason: circuit.reason }
          : { phase: 'closed' as const, until: null, trips: 0, reason: null },
        lastCheck: row.lastHealthCheck,
        consecutiveFailures: row.consecutiveFailures,
        uptimePercent24h: row.uptime === null ? null : Math.round(row.uptime * 10) / 10,
        p50LatencyMs24h: row.p50 === null ? null : Math.round(row.p50),
        p95LatencyMs24h: row.p95 === null ? null : Math.round(row.p95),
        checks24h: row.checks,
        drift: row.drift ?? [],
      };
    });
  }

  private async checkRow(row: ProbeTarget, signal?: AbortSignal): Promise<{ result: HealthCheckResult; xid: string }> {
    if (signal?.aborted) throw new HealthCheckCancelledError(row.provider);
    const verdictFor = await this.probeRow(row, signal);
    // A probe cut short by our own cancellation says nothing about the provider: recording it as a
    // failure would degrade (and after a few restarts mark unhealthy) every provider on every instance.
    if (signal?.aborted) throw new HealthCheckCancelledError(row.provider);
    // The streak is compare-and-set: a check or another instance's sweep that wrote it while this
    // probe ran makes us re-classify the same outcome on the new streak, never overwrite it.
    let streak = row.consecutiveFailures;
    for (let attempt = 0; attempt < 5; attempt++) {
      const verdict = verdictFor(streak);
      const written = await this.health.recordProbe(row.id, streak, verdict);
      if (written) {
        if (written.previous !== verdict.status) this.transitioned(row.provider, written.previous, verdict);
        return { result: { provider: row.provider, ...verdict, checkedAt: written.checkedAt }, xid: written.xid };
      }
      const current = await this.health.currentStreak(row.id);
      if (current === null) throw new UnknownProviderError(row.provider);
      streak = current;
    }
    throw new Error(`Health of ${row.provider} kept changing under concurrent checks; this result was not recorded`);
  }

  /** One line per change of a provider's health, on the instance that recorded it. */
  private transitioned(provider: string, from: HealthStatus, verdict: Verdict): void {
    this.metrics.healthChanged(provider, from, verdict.status);
    const fields = { health: { provider, from, to: verdict.status, reason: verdict.reason } };
    const line = `Health of ${provider}: ${from} → ${verdict.status}${verdict.reason ? ` (${verdict.reason})` : ''}`;
    if (verdict.status === 'unhealthy') this.logger.warn(fields, line);
    else this.logger.log(fields, line);
  }

  /** Probes once; the verdict depends on the failure streak, which is only final at write time. */
  private async probeRow(row: ProbeTarget, signal?: AbortSignal): Promise<(streak: number) => Verdict> {
    const entry = this.catalog.providers.get(row.provider);
    const capabilities = effectiveCapabilities(row);
    const kind = (capabilities.probe ?? entry?.probe) as ProbeKind | undefined;
    const requiresApiKey = capabilities.requiresApiKey ?? entry?.requiresApiKey ?? true;
    const notProbed =
      (reason: string) =>
      (streak: number): Verdict => ({
        status: 'unknown',
        reason,
        latencyMs: null,
        consecutiveFailures: streak,
        listedModels: null,
        missingModels: [],
        probed: false,
      });
    if (!kind) return notProbed('no probe kind: the provider is not in the catalog and its capabilities name none');
    let credential: ActiveCredential | null;
    try {
      credential = await this.credentials.getProbeCredential(row.provider);
    } catch (error) {
      // Unreadable (a key missing from the ring, or a row changed behind the registry's back, e.g.
      // its bound base URL): nothing is sent anywhere, and availability already says why.
      if (error instanceof CredentialDecryptError || error instanceof UnknownKeyError) return notProbed(error.message);
      throw error;
    }
    if (requiresApiKey && !credential) return notProbed(NO_USABLE_CREDENTIAL);
    const destination = probeDestination(credential?.baseUrl ?? null, entry?.baseUrl, capabilities.baseUrl, credential !== null);
    if (destination === '') {
      return notProbed('no base URL the key may be sent to: store the credential with a baseUrl (it is bound to the key)');
    }
    let baseUrl: string;
    try {
      baseUrl = validateBaseUrl(destination, this.egress.policy);
    } catch (error) {
      return notProbed(`base URL rejected: ${(error as Error).message}`);
    }
    const models = [...(capabilities.textModels ?? []), ...(capabilities.embeddingModels ?? [])].map((m) => m.id);
    const outcome: ProbeOutcome = await runProbe(
      { provider: row.provider, kind, baseUrl, apiKey: credential?.apiKey || undefined, catalogModelIds: models },
      { timeoutMs: this.settings.healthTimeoutMs, signal, egress: this.egress },
    );
    if (!signal?.aborted) this.metrics.probed(row.provider, outcome);
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

/**
 * Where a probe may go. A key goes only to the destination its ciphertext is bound to, or to the
 * catalog file's base URL: never to a base URL read from a database column that anyone who can
 * write the database could point elsewhere. Without a key there is nothing to leak, so an
 * operator's capabilities may name the URL (a keyless self-hosted server).
 */
function probeDestination(
  bound: string | null,
  catalogBaseUrl: string | undefined,
  columnBaseUrl: string | undefined,
  withKey: boolean,
): string {
  return bound ?? catalogBaseUrl ?? (withKey ? '' : (columnBaseUrl ?? ''));
}
