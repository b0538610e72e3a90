import { Inject, Injectable, Logger } from '@nestjs/common';
import { RegistryMetrics } from '../../metrics/registry-metrics';
import { RegistrySettings } from '../../kernel/registry-settings';
import { REGISTRY_SETTINGS } from '../../kernel/registry-tokens';
import { RegistryStateService } from '../../snapshot/registry-state.service';
import { OutcomeBucketRepository } from '../../usage/outcome-bucket.repository';
import { circuitWindowStart, CircuitRules, decideCircuit, phaseOf } from './circuit.rules';
import { Circuit, CLOSED_CIRCUIT } from '../../kernel/circuit';
import { HealthRepository } from '../active/health.repository';

/**
 * Health learned from real traffic. After each usage flush that carried call outcomes, decides each
 * such provider's circuit from everyone's outcome buckets (so every instance decides on the same
 * data) and stores a change with compare-and-set: the first instance to decide wins, the change
 * trigger announces it, and every instance's selection follows within the notification latency.
 * It never touches `enabled`.
 */
@Injectable()
export class PassiveHealthService {
  private readonly logger = new Logger(PassiveHealthService.name);

  constructor(
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
    private readonly outcomes: OutcomeBucketRepository,
    private readonly health: HealthRepository,
    private readonly state: RegistryStateService,
    private readonly metrics: RegistryMetrics,
  ) {}

  get enabled(): boolean {
    return this.state.circuitsApply;
  }

  get rules(): CircuitRules {
    const s = this.settings;
    return {
      minCalls: s.passiveMinCalls,
      errorPercent: s.passiveErrorPercent,
      windowMs: s.passiveWindowMs,
      cooldownMs: s.passiveCooldownMs,
      maxCooldownMs: s.passiveMaxCooldownMs,
      halfOpenCalls: s.passiveHalfOpenCalls,
    };
  }

  /** Decides the circuits of `providers` (those whose calls were just written) as of `now`. */
  async evaluate(providers: Iterable<string>, now = new Date()): Promise<void> {
    if (!this.enabled) return;
    const rules = this.rules;
    const snapshot = this.state.current();
    const circuits = new Map<string, Circuit>();
    for (const provider of providers) {
      const known = snapshot.providers.get(provider);
      if (known) circuits.set(provider, known.circuit ?? CLOSED_CIRCUIT);
    }
    // Open and still cooling down: nothing the calls say can change it yet.
    for (const [provider, circuit] of circuits) if (phaseOf(circuit, now) === 'open') circuits.delete(provider);
    if (circuits.size === 0) return;
    const since = new Map([...circuits].map(([provider, circuit]) => [provider, circuitWindowStart(circuit, rules, now)]));
    const windows = await this.outcomes.outcomeWindows(since);
    const changed: string[] = [];
    const xids: string[] = [];
    for (const window of windows) {
      const circuit = circuits.get(window.provider)!;
      const change = decideCircuit(circuit, window, rules, now);
      if (!change) continue;
      const xid = await this.health.recordCircuit(window.provider, circuit.changedAt, change);
      if (xid === null) continue; // another instance decided first; its change reaches us by notification
      changed.push(window.provider);
      xids.push(xid);
      this.metrics.circuitChanged(window.provider, change.circuit.state);
      this.logger.warn(`Circuit of ${window.provider}: ${phaseOf(circuit, now)} → ${phaseOf(change.circuit, now)} (${change.reason})`);
    }
    if (changed.length > 0) await this.state.wrote(changed, xids);
  }
}
