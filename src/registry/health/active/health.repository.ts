import { Inject, Injectable } from '@nestjs/common';
import type { CircuitChange } from '../passive/circuit.rules';
import { DataSource, Repository } from 'typeorm';
import { rowsOf } from '../../../common/raw-rows';
import { ProviderConfig } from '../../entities/provider-config.entity';
import { ProviderHealthCheck } from '../../entities/provider-health-check.entity';
import { REGISTRY_DATA_SOURCE } from '../../kernel/registry-tokens';
import type { HealthStatus } from '../../kernel/health-status';

/** What a probe needs of a provider's row. */
export type ProbeTarget = Pick<
  ProviderConfig,
  'id' | 'provider' | 'enabled' | 'capabilities' | 'capabilitiesOverride' | 'consecutiveFailures'
>;

export interface ProbeRecord {
  status: HealthStatus;
  latencyMs: number | null;
  reason: string | null;
  consecutiveFailures: number;
  listedModels: number | null;
  missingModels: string[];
}

/** One time bucket of a provider's health history. */
export interface HealthBucketRow {
  start: Date;
  checks: number;
  failures: number;
  uptime: number | null;
  p50: number | null;
  max: number | null;
}

export interface HealthSummaryRow {
  provider: string;
  enabled: boolean;
  healthStatus: HealthStatus;
  lastError: string | null;
  lastHealthCheck: Date | null;
  consecutiveFailures: number;
  uptime: number | null;
  p50: number | null;
  p95: number | null;
  checks: number;
  drift: string[] | null;
}

/**
 * All SQL of `provider_health_checks` and of the health columns of `provider_configs`, which the
 * health checker owns (status, last check, latency, last error, failure streak) and nothing else writes.
 */
@Injectable()
export class HealthRepository {
  private readonly configs: Repository<ProviderConfig>;

  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {
    this.configs = dataSource.getRepository(ProviderConfig);
  }

  findProbeTarget(provider: string): Promise<ProbeTarget | null> {
    return this.probeTargets().where('p.provider = :provider', { provider }).getOne();
  }

  /** Enabled providers, preferred first: the sweep's order. */
  findEnabledProbeTargets(): Promise<ProbeTarget[]> {
    return this.probeTargets().where('p.enabled').orderBy('COALESCE(p.priority_override, p.priority)').addOrderBy('p.provider').getMany();
  }

  /**
   * Writes a probe's verdict and its history row in one transaction, only if the failure streak is
   * still `expectedStreak` (compare-and-set): null when another check got there first, so the
   * caller re-classifies on the new streak instead of overwriting it.
   */
  recordProbe(
    configId: string,
    expectedStreak: number,
    record: ProbeRecord,
  ): Promise<{ checkedAt: Date; xid: string; previous: HealthStatus } | null> {
    return this.dataSource.transaction(async (manager) => {
      // Health columns only (no updated_at: that records the operator's changes). `prev` locks the
      // row first, so the status it hands back is the one this write replaced, whoever wrote it.
      const [updated] = await rowsOf<{ xid: string; previous: HealthStatus }>(
        manager,
        `WITH prev AS (SELECT id, health_status FROM provider_configs WHERE id = $1 FOR UPDATE)
         UPDATE provider_configs p
         SET health_status = $2, last_health_check = now(), health_latency_ms = $3, last_error = $4, consecutive_failures = $5,
             -- A healthy probe cuts short the cooldown of a circuit that real traffic opened: half-open from
             -- the next outcome bucket on, so trial calls decide (a models list can answer while chat calls
             -- fail), and the trips stay, so a provider that keeps failing still backs off.
             circuit_until = CASE WHEN $2::varchar = 'healthy' AND p.circuit_state = 'open' AND p.circuit_until > now()
                                  THEN LEAST(p.circuit_until, to_timestamp(ceil(extract(epoch FROM now()) / 10) * 10))
                                  ELSE p.circuit_until END
         FROM prev WHERE p.id = prev.id AND p.consecutive_failures = $6
         RETURNING pg_current_xact_id()::text AS xid, prev.health_status AS previous`,
        [configId, record.status, record.latencyMs, record.reason, record.consecutiveFailures, expectedStreak],
      );
      if (!updated) return null;
      const [inserted] = await rowsOf<{ checked_at: Date }>(
        manager,
        `INSERT INTO provider_health_checks (provider_config_id, status, latency_ms, error, listed_models, missing_models)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING checked_at`,
        [configId, record.status, record.latencyMs, record.reason, record.listedModels, JSON.stringify(record.missingModels)],
      );
      return { checkedAt: inserted.checked_at, xid: updated.xid, previous: updated.previous };
    });
  }

  /**
   * Stores a circuit decision of passive health if the circuit is still as the decision saw it
   * (compare-and-set on circuit_changed_at: another instance may have decided first), with its row in
   * the health history (source 'traffic'). Returns the transaction id, or null when it lost the race.
   */
  recordCircuit(provider: string, expectedChangedAt: Date | null, change: CircuitChange): Promise<string | null> {
    const { circuit } = change;
    return this.dataSource.transaction(async (manager) => {
      const [updated] = await rowsOf<{ id: string; xid: string }>(
        manager,
        `UPDATE provider_configs
         SET circuit_state = $2, circuit_until = $3, circuit_trips = $4, circuit_reason = $5, circuit_changed_at = $6
         WHERE provider = $1 AND date_trunc('milliseconds', circuit_changed_at) IS NOT DISTINCT FROM $7
         RETURNING id::text AS id, pg_current_xact_id()::text AS xid`,
        [provider, circuit.state, circuit.until, circuit.trips, change.reason, circuit.changedAt, expectedChangedAt],
      );
      if (!updated) return null;
      await manager.query(`INSERT INTO provider_health_checks (provider_config_id, status, error, source) VALUES ($1, $2, $3, 'traffic')`, [
        updated.id,
        change.status,
        change.reason,
      ]);
      return updated.xid;
    });
  }

  async currentStreak(configId: string): Promise<number | null> {
    const row = await this.configs.findOne({ select: { id: true, consecutiveFailures: true }, where: { id: configId } });
    return row?.consecutiveFailures ?? null;
  }

  /** A provider's latest checks, newest first. */
  recentChecks(provider: string, limit: number): Promise<ProviderHealthCheck[]> {
    return this.dataSource
      .getRepository(ProviderHealthCheck)
      .createQueryBuilder('h')
      .innerJoin('h.providerConfig', 'p')
      .where('p.provider = :provider', { provider })
      .orderBy('h.checkedAt', 'DESC')
      .addOrderBy('h.id', 'DESC')
      .limit(limit)
      .getMany();
  }

  /**
   * A provider's checks of the last `windowSeconds` (on the database clock), in buckets of
   * `bucketSeconds` aligned to the epoch so a bucket keeps its boundaries from one call to the next.
   */
  windowBuckets(provider: string, windowSeconds: number, bucketSeconds: number): Promise<HealthBucketRow[]> {
    return rowsOf<HealthBucketRow>(
      this.dataSource,
      `SELECT date_bin(make_interval(secs => $3), h.checked_at, timestamptz '1970-01-01 00:00:00+00') AS "start",
              count(*)::int AS checks,
              (count(*) FILTER (WHERE h.status = 'unhealthy'))::int AS failures,
              (100.0 * avg(CASE WHEN h.status = 'unhealthy' THEN 0 ELSE 1 END) FILTER (WHERE h.status <> 'unknown'))::float8 AS uptime,
              (percentile_cont(0.5) WITHIN GROUP (ORDER BY h.latency_ms))::float8 AS p50,
              max(h.latency_ms)::float8 AS "max"
       FROM provider_health_checks h
       JOIN provider_configs p ON p.id = h.provider_config_id
       WHERE p.provider = $1 AND h.checked_at > now() - make_interval(secs => $2)
       GROUP BY 1 ORDER BY 1`,
      [provider, windowSeconds, bucketSeconds],
    );
  }

  /** The checks of the last `windowSeconds` that did not come back healthy, newest first, at most `limit`. */
  problemsInWindow(provider: string, windowSeconds: number, limit: number): Promise<ProviderHealthCheck[]> {
    return this.dataSource
      .getRepository(ProviderHealthCheck)
      .createQueryBuilder('h')
      .innerJoin('h.providerConfig', 'p')
      .where('p.provider = :provider', { provider })
      .andWhere('h.checkedAt > now() - make_interval(secs => :seconds)', { seconds: windowSeconds })
      .andWhere("h.status IN ('unhealthy', 'degraded')")
      .orderBy('h.checkedAt', 'DESC')
      .addOrderBy('h.id', 'DESC')
      .limit(limit)
      .getMany();
  }

  /** Deletes history older than `days`; returns how many rows went. */
  async pruneOlderThan(days: number): Promise<number> {
    const result = await this.dataSource
      .getRepository(ProviderHealthCheck)
      .createQueryBuilder()
      .delete()
      .where('checked_at < now() - make_interval(days => :days)', { days })
      .execute();
    return result.affected ?? 0;
  }

  /** Per provider: its health columns, 24 h uptime and latency percentiles, and the latest drift. */
  /** Every provider's, or with `provider` only that one's (the 24 h aggregates are not worked out for the rest). */
  summaries(provider?: string): Promise<HealthSummaryRow[]> {
    return rowsOf<HealthSummaryRow>(
      this.dataSource,
      `SELECT p.provider, p.enabled, p.health_status AS "healthStatus", p.last_error AS "lastError",
              p.last_health_check AS "lastHealthCheck", p.consecutive_failures AS "consecutiveFailures",
              s.uptime::float8 AS uptime, s.p50::float8 AS p50, s.p95::float8 AS p95,
              coalesce(s.checks, 0)::int AS checks, latest.missing_models AS drift
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
       WHERE $1::text IS NULL OR p.provider = $1
       ORDER BY COALESCE(p.priority_override, p.priority), p.provider`,
      [provider ?? null],
    );
  }

  private probeTargets() {
    return this.configs
      .createQueryBuilder('p')
      .select(['p.id', 'p.provider', 'p.enabled', 'p.capabilities', 'p.capabilitiesOverride', 'p.consecutiveFailures']);
  }
}
