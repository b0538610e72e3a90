import { createOpenAI } from '@ai-sdk/openai';
import { median } from './support/load';
import { createProviderRegistry } from 'ai';
import { detachedMetrics } from '../src/registry/metrics/registry-metrics';
import { loadCatalog } from '../src/registry/catalog/load-catalog';
import { capabilitiesFromCatalog, modelsFromCapabilities } from '../src/registry/catalog/provider-capabilities';
import { DEFAULT_REGISTRY_SETTINGS } from '../src/registry/kernel/registry-settings';
import { standingOf } from '../src/registry/snapshot/availability';
import { AvailabilityService } from '../src/registry/selection/availability.service';
import { ModelSelectionService } from '../src/registry/selection/model-selection.service';
import type { ProviderState, RegistrySnapshot } from '../src/registry/snapshot/registry-snapshot';
import type { RegistryStateService } from '../src/registry/snapshot/registry-state.service';
import { planSelection, selectModel } from '../src/registry/selection/select-model';

/**
 * Selection against the floor every caller pays anyway: the Vercel AI SDK's bare registry lookup
 * (no availability, no fallback). Each figure is the median of interleaved rounds, so a machine
 * busy with other work slows both sides of a ratio alike.
 */

/** The shipped catalog's providers, all healthy with a usable credential, except `disabled`. */
export function benchSnapshot(disabled: readonly string[]): RegistrySnapshot {
  const catalog = loadCatalog('config/providers.yaml');
  const providers = new Map<string, ProviderState>();
  for (const entry of catalog.providers.values()) {
    const state: ProviderState = {
      provider: entry.slug,
      displayName: entry.displayName,
      enabled: !disabled.includes(entry.slug),
      health: 'healthy',
      credential: entry.requiresApiKey ? 'active' : 'not_required',
      priority: entry.priority,
      models: modelsFromCapabilities(capabilitiesFromCatalog(entry)),
    };
    // As the registry's snapshot builder does: the request-independent verdict decided once.
    state.standing = standingOf(state);
    providers.set(entry.slug, state);
  }
  return { providers, catalog };
}

/** The service as the module builds it, over a fixed snapshot (no database behind it). */
function selectionService(snapshot: RegistrySnapshot): ModelSelectionService {
  const state = { current: () => snapshot } as unknown as RegistryStateService;
  return new ModelSelectionService(state, new AvailabilityService(state), detachedMetrics(), DEFAULT_REGISTRY_SETTINGS);
}

export interface SelectionTimes {
  /** ns per call, medians of the rounds. */
  sdk: number;
  select: { default: number; walk: number };
  plan: { default: number; walk: number };
  service: { default: number; walk: number };
}

function nsPerCall(n: number, fn: () => unknown): number {
  for (let i = 0; i < 2000; i++) fn(); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - started) / n;
}

/**
 * `default`: the global default is available (the first candidate). `walk`: the default and the first
 * two fallbacks are disabled and the request names an override and an operation, so the walk reaches
 * the fourth candidate.
 */
export function measureSelection(rounds = 5, n = 200_000): SelectionTimes {
  const sdkRegistry = createProviderRegistry({ openai: createOpenAI({ apiKey: 'sk-bench' }) });
  const healthy = benchSnapshot([]);
  const degraded = benchSnapshot(['openai', 'anthropic', 'openrouter']);
  const plain = { modelType: 'text' } as const;
  const walking = { modelType: 'text', operation: 'enrichment', commandOverride: { provider: 'openai' } } as const;
  const healthyService = selectionService(healthy);
  const degradedService = selectionService(degraded);
  const runs: Record<string, number[]> = {};
  const time = (name: string, fn: () => unknown) => (runs[name] ??= []).push(nsPerCall(n, fn));
  for (let round = 0; round < rounds; round++) {
    time('sdk', () => sdkRegistry.languageModel('openai:gpt-4o'));
    time('select.default', () => selectModel(healthy, plain));
    time('select.walk', () => selectModel(degraded, walking));
    time('plan.default', () => planSelection(healthy, plain));
    time('plan.walk', () => planSelection(degraded, walking));
    time('service.default', () => healthyService.select(plain));
    time('service.walk', () => degradedService.select(walking));
  }
  const m = (name: string) => median(runs[name]);
  return {
    sdk: m('sdk'),
    select: { default: m('select.default'), walk: m('select.walk') },
    plan: { default: m('plan.default'), walk: m('plan.walk') },
    service: { default: m('service.default'), walk: m('service.walk') },
  };
}
