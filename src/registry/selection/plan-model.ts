import { quoteInput } from '../../common/json-guard/text-rules';
import { byPriorityThenSlug, checkAvailability } from '../snapshot/availability';
import type { ModelType, RegistrySnapshot } from '../snapshot/registry-snapshot';
import { UnknownModelError } from './selection.errors';
import type { Exclusions, PlannedCandidate, SelectionPlan, SkippedCandidate } from './selection.types';

/** A model a caller named: one provider's (`provider/model`), or a model id any provider may offer. */
export interface ModelTarget {
  provider?: string;
  model: string;
}

/**
 * The plan for a request that names its model instead of leaving the choice to the registry: with a
 * provider, that provider's model and nothing else; without one, every provider that offers the
 * model, preferred first (priority, then slug), each passed over with its reason when unavailable.
 * UnknownModelError when nobody in the registry offers it at all (a typo, or the wrong model type):
 * the caller's mistake, not an outage. An empty `candidates` list is an outage: every offer is unavailable.
 */
export function planModel(
  snapshot: RegistrySnapshot,
  modelType: ModelType,
  target: ModelTarget,
  exclude?: Exclusions,
  now: number = Date.now(),
): SelectionPlan {
  const candidates: PlannedCandidate[] = [];
  const skipped: SkippedCandidate[] = [];
  const consider = (provider: string) => {
    const candidate = { provider, model: target.model, source: 'command_override' as const };
    const availability = checkAvailability(snapshot, provider, modelType, target.model, now);
    const excluded = exclude?.get(provider);
    if (!availability.available) skipped.push({ candidate, reason: availability.reason, detail: availability.detail });
    else if (excluded !== undefined) skipped.push({ candidate, reason: 'tripped', detail: excluded });
    else candidates.push(candidate);
  };
  if (target.provider !== undefined) {
    const state = snapshot.providers.get(target.provider);
    if (!state) throw new UnknownModelError(target, modelType, `provider ${quoteInput(target.provider)} is not in the registry`);
    if (!state.models[modelType].includes(target.model)) {
      throw new UnknownModelError(
        target,
        modelType,
        `provider ${quoteInput(target.provider)} offers no ${modelType} model ${quoteInput(target.model)}`,
      );
    }
    consider(target.provider);
    return { candidates, skipped };
  }
  const offering = [...snapshot.providers.values()]
    .filter((state) => state.models[modelType].includes(target.model))
    .sort(byPriorityThenSlug);
  if (offering.length === 0) {
    throw new UnknownModelError(
      target,
      modelType,
      `no provider in the registry offers ${modelType === 'embedding' ? 'an' : 'a'} ${modelType} model ${quoteInput(target.model)}`,
    );
  }
  for (const state of offering) consider(state.provider);
  return { candidates, skipped };
}
