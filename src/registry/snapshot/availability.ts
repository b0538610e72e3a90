import { quoteInput } from '../../common/json-guard/text-rules';
import { MODEL_TYPES } from '../catalog/catalog.types';
import type { Availability, ModelType, ProviderState, RegistrySnapshot, UnavailableReason } from './registry-snapshot';

/*
 * available = enabled ∧ credential usable (active and unexpired, or not required) ∧ health ≠ unhealthy
 *             ∧ (model type given ⇒ the provider offers one) ∧ (model given ⇒ the provider offers it).
 * Degraded and unknown health stay available: a slow provider is better than none, and a provider
 * that was never probed must not be shut out until the first sweep.
 */

export interface AvailableModel {
  provider: string;
  model: string;
  modelType: ModelType;
}

const AVAILABLE: Availability = Object.freeze({ available: true });

/**
 * What does not depend on the request or the clock: intent, the stored credential's state, health.
 * The snapshot decides it once per provider state (ProviderState.standing), so a selection walking
 * past an unavailable candidate does not build its reason again on every call.
 */
export function standingOf(state: ProviderState): Availability {
  const name = q(state.provider);
  if (!state.enabled) return unavailable('disabled', `provider ${name} is disabled`);
  const credential = storedCredentialProblem(state);
  if (credential) return credential;
  if (state.health === 'unhealthy') {
    return unavailable('unhealthy', `provider ${name} is unhealthy according to its latest health checks`);
  }
  return AVAILABLE;
}

/**
 * Reasons are checked in a fixed order (provider, intent, credential, health, model) so the reason
 * given is the one an operator must fix first.
 */
export function checkAvailability(
  snapshot: RegistrySnapshot,
  provider: string,
  modelType?: ModelType,
  model?: string,
  now: Date | number = Date.now(),
): Availability {
  const state = snapshot.providers.get(provider);
  if (!state) return unavailable('unknown_provider', `provider ${q(provider)} is not in the registry`);
  const standing = state.standing ?? standingOf(state);
  const expiresAt = state.credential === 'active' ? state.credentialExpiresAt : null;
  const expiredNow = expiresAt != null && expiresAt.getTime() <= (typeof now === 'number' ? now : now.getTime());
  // A credential that expired since the snapshot was built outranks only health in the order above.
  if (!standing.available && !(expiredNow && standing.reason === 'unhealthy')) return standing;
  if (expiredNow) {
    return unavailable('credential_expired', `the credential for ${q(provider)} expired at ${expiresAt.toISOString()}`);
  }
  // Both end by the clock (the cooldown, the budget's window), so they are decided per call, not in standing.
  const at = typeof now === 'number' ? now : now.getTime();
  const circuit = state.circuit;
  if (circuit?.state === 'open' && circuit.until !== null && at < circuit.until.getTime()) {
    return unavailable(
      'tripped',
      `provider ${q(provider)} is out of selection until ${circuit.until.toISOString()}: ${circuit.reason ?? 'tripped'}`,
    );
  }
  const exhaustedUntil = state.budget?.exhaustedUntil;
  if (exhaustedUntil && at < exhaustedUntil.getTime()) {
    return unavailable(
      'budget_exhausted',
      `provider ${q(provider)} has spent its ${state.budget!.window === 'day' ? 'daily' : 'monthly'} budget (until ${exhaustedUntil.toISOString()})`,
    );
  }
  if (modelType && state.models[modelType].length === 0) {
    return unavailable('no_model_of_type', `provider ${q(provider)} offers no ${modelType} models`);
  }
  if (
    model !== undefined &&
    !(modelType ? state.models[modelType].includes(model) : MODEL_TYPES.some((type) => state.models[type].includes(model)))
  ) {
    const other = modelType && MODEL_TYPES.find((type) => type !== modelType && state.models[type].includes(model));
    const hint = other ? ` (it is ${other === 'embedding' ? 'an embedding' : 'a text'} model)` : '';
    const what = modelType ? `${modelType} model` : 'model';
    return unavailable('unknown_model', `provider ${q(provider)} offers no ${what} ${q(model)}${hint}`);
  }
  return AVAILABLE;
}

/**
 * The first instant after `now` at which checkAvailability() may answer otherwise for this provider
 * with the same snapshot: its credential expires, its cooldown ends, its budget's window ends.
 * Infinity when only a new snapshot can change the answer. Lets a selection worked out once per
 * snapshot be reused until then.
 */
export function nextAvailabilityChange(snapshot: RegistrySnapshot, provider: string, now: number): number {
  const state = snapshot.providers.get(provider);
  if (!state) return Infinity;
  let next = Infinity;
  if (state.credential === 'active') next = earliestAfter(now, next, state.credentialExpiresAt);
  if (state.circuit?.state === 'open') next = earliestAfter(now, next, state.circuit.until);
  return earliestAfter(now, next, state.budget?.exhaustedUntil);
}

function earliestAfter(now: number, next: number, at: Date | null | undefined): number {
  const ms = at?.getTime();
  return ms !== undefined && ms > now && ms < next ? ms : next;
}

export function isAvailable(
  snapshot: RegistrySnapshot,
  provider: string,
  modelType?: ModelType,
  model?: string,
  now: Date | number = Date.now(),
): boolean {
  return checkAvailability(snapshot, provider, modelType, model, now).available;
}

/** Available providers, preferred first: by priority (lower first), then slug for a stable order. */
export function listAvailableProviders(
  snapshot: RegistrySnapshot,
  modelType?: ModelType,
  now: Date | number = Date.now(),
): ProviderState[] {
  return [...snapshot.providers.values()]
    .filter((state) => isAvailable(snapshot, state.provider, modelType, undefined, now))
    .sort(byPriorityThenSlug);
}

/** Every model of an available provider, providers in listAvailableProviders order, models in list order. */
export function listAvailableModels(snapshot: RegistrySnapshot, modelType?: ModelType, now: Date | number = Date.now()): AvailableModel[] {
  const types = modelType ? [modelType] : MODEL_TYPES;
  return listAvailableProviders(snapshot, modelType, now).flatMap((state) =>
    types.flatMap((type) => state.models[type].map((model) => ({ provider: state.provider, model, modelType: type }))),
  );
}

export function byPriorityThenSlug(a: ProviderState, b: ProviderState): number {
  return a.priority - b.priority || (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0);
}

function storedCredentialProblem(state: ProviderState): Availability | undefined {
  const name = q(state.provider);
  switch (state.credential) {
    case 'not_required':
    case 'active':
      return undefined;
    case 'missing':
      // Keys are never read from the environment: say where one is stored (the CLI, or the server's API).
      return unavailable(
        'no_credential',
        `provider ${name} needs an API key and none is stored: store one with ` +
          `ai-registry ai:credentials:set ${state.provider} --key-stdin, or POST /api/providers/${state.provider}/credentials`,
      );
    case 'expired':
      return unavailable('credential_expired', `the credential for ${name} has expired`);
    case 'inactive':
      return unavailable('credential_inactive', `the credential for ${name} is deactivated`);
    case 'undecryptable':
      return unavailable(
        'credential_undecryptable',
        `the credential for ${name} cannot be decrypted with the configured key ring (missing or wrong key, or changed outside the registry)`,
      );
    default: {
      // States come from the database via the snapshot builder: an unrecognised one must not pass as usable.
      const unexpected: never = state.credential;
      return unavailable('no_credential', `the credential for ${name} is in an unrecognised state ${q(String(unexpected))}`);
    }
  }
}

function unavailable(reason: UnavailableReason, detail: string): Availability {
  return Object.freeze({ available: false, reason, detail });
}

/** Caller-given names (preferences) end up in these details: quoted and cut, never a forged line. */
function q(value: string): string {
  return quoteInput(value);
}
