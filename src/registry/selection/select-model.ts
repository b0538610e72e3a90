import { checkAvailability, nextAvailabilityChange } from '../snapshot/availability';
import { entriesFor, findOperation, planFor } from './candidate-sources';
import type { ModelType, RegistrySnapshot } from '../snapshot/registry-snapshot';
import type {
  Candidate,
  Exclusions,
  PlannedCandidate,
  Selection,
  SelectionPlan,
  SelectionRequest,
  SkippedCandidate,
} from './selection.types';
import { NoAvailableProviderError } from './selection.errors';

// The vocabulary of selection lives with its types; callers keep importing it from here.
export type * from './selection.types';
export { precedenceOrder } from './candidate-sources';

/**
 * Picks the provider/model for a request: walks the candidates from the highest precedence weight down
 * and returns the first available one. Each provider+model is checked once; a later repeat is skipped
 * as `duplicate`, so repeats and cycles between defaults and fallback chains cannot loop or re-report.
 * Throws UnknownOperationError for an operation the catalog does not declare (checked first, so a typo
 * is reported even when an override would have won) and NoAvailableProviderError when nothing is available.
 */
export function selectModel(snapshot: RegistrySnapshot, request: SelectionRequest, exclude?: Exclusions): Selection {
  const now = request.now?.getTime() ?? Date.now();
  if (namesNothing(request, exclude)) {
    const plan = plainPlan(snapshot, request.modelType, now);
    if (plan.candidates.length === 0) throw new NoAvailableProviderError(request.modelType, plan.skipped.slice());
    const first = plan.candidates[0];
    return { provider: first.provider, model: first.model, source: first.source, skipped: plan.skipped.slice(0, plan.skippedBeforeFirst) };
  }
  const skipped: SkippedCandidate[] = [];
  const chosen = walkCandidates(snapshot, request, now, exclude, skipped, undefined);
  if (chosen === undefined) throw new NoAvailableProviderError(request.modelType, skipped, request.operation);
  return { provider: chosen.provider, model: chosen.model!, source: chosen.source, skipped };
}

/**
 * selectModel() walked to the end: what a caller falls back to when the chosen provider fails the
 * call itself. For embeddings only candidates of the first one's model stay (another model's
 * vectors are not comparable); the others are listed as skipped. Throws as selectModel() does.
 */
export function planSelection(snapshot: RegistrySnapshot, request: SelectionRequest, exclude?: Exclusions): SelectionPlan {
  const now = request.now?.getTime() ?? Date.now();
  if (namesNothing(request, exclude)) {
    const shared = plainPlan(snapshot, request.modelType, now);
    if (shared.candidates.length === 0) throw new NoAvailableProviderError(request.modelType, shared.skipped.slice());
    return { candidates: shared.candidates.slice(), skipped: shared.skipped.slice() };
  }
  const plan = walkToTheEnd(snapshot, request, now, exclude, undefined);
  if (plan.candidates.length === 0) throw new NoAvailableProviderError(request.modelType, plan.skipped, request.operation);
  return { candidates: plan.candidates, skipped: plan.skipped };
}

/** A whole walk: the plan, how many of its skipped candidates came before the first choice, and until when it holds. */
interface Walked {
  candidates: PlannedCandidate[];
  skipped: SkippedCandidate[];
  skippedBeforeFirst: number;
  /**
   * The first instant at which a candidate's availability may change by the clock
   * (nextAvailabilityChange); worked out only for a plan that is kept (Infinity), else undefined.
   */
  until: number | undefined;
}

function walkToTheEnd(
  snapshot: RegistrySnapshot,
  request: SelectionRequest,
  now: number,
  exclude: Exclusions,
  until: number | undefined,
): Walked {
  const walked: Walked = { candidates: [], skipped: [], skippedBeforeFirst: 0, until };
  const first = walkCandidates(snapshot, request, now, exclude, walked.skipped, walked);
  if (first === undefined || request.modelType !== 'embedding') return walked;
  const comparable: PlannedCandidate[] = [];
  for (const candidate of walked.candidates) {
    if (candidate.model === first.model) comparable.push(candidate);
    else {
      walked.skipped.push({
        candidate,
        reason: 'different_embedding_model',
        detail: `${label(candidate)} embeds with another model than ${JSON.stringify(first.model)}: its vectors would not be comparable`,
      });
    }
  }
  walked.candidates = comparable;
  return walked;
}

/**
 * Requests that name nothing (no preference, no operation, no exclusion: the gateway's `auto`, most
 * in-process calls) get the same plan from the same snapshot until the clock changes a candidate's
 * availability, so it is walked once per snapshot and model type and shared, frozen; callers get copies
 * of its lists. A new snapshot (any write) is a new key: nothing is ever invalidated by hand.
 */
const PLAIN_PLANS = new WeakMap<RegistrySnapshot, Partial<Record<ModelType, Readonly<Walked> & { from: number }>>>();

function namesNothing(request: SelectionRequest, exclude: Exclusions): boolean {
  return (
    exclude === undefined &&
    request.operation === undefined &&
    request.commandOverride === undefined &&
    request.projectPreference === undefined &&
    request.vaultPreference === undefined
  );
}

function plainPlan(snapshot: RegistrySnapshot, modelType: ModelType, now: number): Readonly<Walked> {
  let byType = PLAIN_PLANS.get(snapshot);
  const known = byType?.[modelType];
  if (known !== undefined && known.from <= now && now < known.until!) return known;
  const walked = walkToTheEnd(snapshot, { modelType }, now, undefined, Infinity);
  for (const candidate of walked.candidates) Object.freeze(candidate);
  for (const skip of walked.skipped) Object.freeze(skip);
  const plan = Object.freeze({ ...walked, from: now });
  if (byType === undefined) PLAIN_PLANS.set(snapshot, (byType = {}));
  byType[modelType] = plan;
  return plan;
}

/**
 * The walk both share, written to allocate nothing on the way to the first choice (a selection runs
 * per call; the per-call objects of an earlier version cost 5× its time, a third in the collector).
 * Returns the first available candidate (its model is set) with the skipped ones before it in
 * `skipped`. With `whole`, walks on to the end and copies every available candidate into it, in order.
 */
function walkCandidates(
  snapshot: RegistrySnapshot,
  request: SelectionRequest,
  now: number,
  exclude: Exclusions,
  skipped: SkippedCandidate[],
  whole: Walked | undefined,
): Candidate | undefined {
  const operation = request.operation === undefined ? undefined : findOperation(snapshot, request.operation);
  const catalogPlan = planFor(snapshot.catalog);
  let first: Candidate | undefined;
  // Candidates considered so far, for `duplicate`; a handful at most, so a scan beats a Map's keys.
  let seen: Candidate[] | undefined;

  for (const source of catalogPlan.order) {
    for (const { candidate, skip } of entriesFor(source, catalogPlan, snapshot, request, operation)) {
      if (skip) {
        skipped.push({ candidate, reason: skip.reason, detail: skip.detail });
        continue;
      }
      const earlier = seen === undefined ? undefined : findSame(seen, candidate);
      if (earlier !== undefined) {
        skipped.push({ candidate, reason: 'duplicate', detail: `${label(candidate)} was already considered as ${earlier.source}` });
        continue;
      }
      (seen ??= []).push(candidate);
      const excluded = exclude?.get(candidate.provider);
      if (excluded !== undefined) {
        skipped.push({ candidate, reason: 'tripped', detail: excluded });
        continue;
      }

      const availability = checkAvailability(snapshot, candidate.provider, request.modelType, candidate.model ?? undefined, now);
      if (whole?.until !== undefined) whole.until = Math.min(whole.until, nextAvailabilityChange(snapshot, candidate.provider, now));
      if (!availability.available) {
        skipped.push({ candidate, reason: availability.reason, detail: availability.detail });
      } else if (candidate.model === null) {
        // Unreachable while the snapshot is consistent: an available provider offers a model of the type.
        skipped.push({ candidate, reason: 'no_model_of_type', detail: `no ${request.modelType} model to use` });
      } else if (whole === undefined) {
        return candidate;
      } else {
        if (first === undefined) {
          first = candidate;
          whole.skippedBeforeFirst = skipped.length;
        }
        whole.candidates.push({ provider: candidate.provider, model: candidate.model, source: candidate.source });
      }
    }
  }
  return first;
}

/** A plain loop: a find() callback would be a closure allocated per candidate. */
function findSame(seen: readonly Candidate[], candidate: Candidate): Candidate | undefined {
  for (const c of seen) if (c.provider === candidate.provider && c.model === candidate.model) return c;
  return undefined;
}

function label(candidate: Candidate): string {
  return `${candidate.provider}/${candidate.model ?? '(none)'}`;
}
