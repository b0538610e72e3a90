import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { RegistryMetrics } from '../metrics/registry-metrics';
import type { KeyLimitKind } from './key-limits.errors';
import type { AllowanceKind } from './key-limits.rules';

/** What the per-key limits do: refusals by limit, leases by kind (the statements they cost), budget warnings by key. */
@Injectable()
export class KeyLimitMetrics {
  readonly refusals: Counter<'limit'>;
  readonly leases: Counter<'kind'>;
  readonly budgetWarnings: Counter<'key'>;

  constructor(metrics: RegistryMetrics) {
    const registers = [metrics.registry];
    const fresh = (name: string) => {
      metrics.registry.removeSingleMetric(name);
      return { name, registers };
    };
    this.refusals = new Counter({
      ...fresh('ai_gateway_key_limit_refusals_total'),
      help: "Gateway calls refused (429) by a consumer key's limit: requests, tokens, parallel, budget",
      labelNames: ['limit'],
    });
    this.leases = new Counter({
      ...fresh('ai_gateway_key_limit_leases_total'),
      help: "Slices of consumer keys' limits leased from the database by this instance (one statement each), by kind",
      labelNames: ['kind'],
    });
    this.budgetWarnings = new Counter({
      ...fresh('ai_gateway_key_budget_warnings_total'),
      help: 'Consumer key budget warnings logged by this instance (once per key and window across instances)',
      labelNames: ['key'],
    });
  }

  refused(limit: KeyLimitKind): void {
    this.refusals.inc({ limit });
  }

  leased(kind: AllowanceKind | 'parallel'): void {
    this.leases.inc({ kind });
  }

  budgetWarned(key: string): void {
    this.budgetWarnings.inc({ key });
  }
}
