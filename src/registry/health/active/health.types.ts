import type { HealthCheckSource } from '../../entities/provider-health-check.entity';
import type { CircuitPhase } from '../passive/circuit.rules';
import type { HealthStatus } from '../../kernel/health-status';
import type { HealthWindow } from './health-window';

export interface HealthCheckResult {
  provider: string;
  status: HealthStatus;
  /** Short and safe to show; null when healthy. Never contains a key. */
  reason: string | null;
  latencyMs: number | null;
  consecutiveFailures: number;
  /** How many models the provider lists (null when unknown or not reached). */
  listedModels: number | null;
  /** Catalog models the provider no longer lists (model drift). */
  missingModels: string[];
  /** False when the provider was not called (no usable credential). */
  probed: boolean;
  checkedAt: Date;
}

export interface SweepResult {
  startedAt: Date;
  durationMs: number;
  results: HealthCheckResult[];
  /** Providers whose check failed outside the probe (e.g. the database), with the reason. */
  errors: Array<{ provider: string; error: string }>;
}

export interface ProviderHealthSummary {
  provider: string;
  enabled: boolean;
  /** The one health state: the last probe's, unless real calls tripped the circuit (then unhealthy until the cooldown ends). */
  status: HealthStatus;
  reason: string | null;
  /** Which source decided `status`: active probes, or the outcomes of real calls (passive health). */
  decidedBy: 'probe' | 'traffic';
  /** Passive health: `open` (cooling down, out of selection), `half_open` (a few trial calls), `closed`. */
  circuit: { phase: CircuitPhase; until: Date | null; trips: number; reason: string | null };
  lastCheck: Date | null;
  consecutiveFailures: number;
  /** Over the last 24 h of history: share of checks that were not unhealthy, in percent; null without checks. */
  uptimePercent24h: number | null;
  p50LatencyMs24h: number | null;
  p95LatencyMs24h: number | null;
  checks24h: number;
  /** From the latest check: catalog models the provider no longer lists. */
  drift: string[];
}

/** One stored probe result, as the history shows it. */
export interface HealthCheckRecord {
  status: HealthStatus;
  latencyMs: number | null;
  reason: string | null;
  listedModels: number | null;
  missingModels: string[];
  checkedAt: Date;
  /** What decided it: a probe, or real traffic (the circuit tripping or closing). */
  source: HealthCheckSource;
}

/** A provider's health over a window (24 h or 7 d), in time buckets, with the checks that went wrong. */
export interface HealthWindowView {
  window: HealthWindow;
  since: Date;
  bucketSeconds: number;
  buckets: Array<{
    start: Date;
    checks: number;
    failures: number;
    uptimePercent: number | null;
    p50LatencyMs: number | null;
    maxLatencyMs: number | null;
  }>;
  /** Unhealthy and degraded checks in the window, newest first (at most 100), each with its reason. */
  problems: HealthCheckRecord[];
}
