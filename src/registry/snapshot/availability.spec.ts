import { checkAvailability, listAvailableModels, listAvailableProviders } from './availability';
import { snapshotOf } from '../selection/__fixtures__/registry.fixture';

const NOW = new Date('2025-06-01T12:00:00Z');

describe(checkAvailability.name, () => {
  it('is available when enabled, credentialed, not unhealthy and offering the model', () => {
    const snapshot = snapshotOf();
    expect(checkAvailability(snapshot, 'alpha', 'text', 'a2', NOW)).toEqual({ available: true });
    expect(checkAvailability(snapshot, 'alpha', undefined, undefined, NOW)).toEqual({ available: true });
    // No key needed: gamma's credential is `not_required`.
    expect(checkAvailability(snapshot, 'gamma', 'embedding', 'ge1', NOW)).toEqual({ available: true });
  });

  it.each([
    ['degraded', 'degraded'],
    ['never probed', 'unknown'],
  ] as const)('keeps a %s provider available', (_label, health) => {
    expect(checkAvailability(snapshotOf({ alpha: { health } }), 'alpha', 'text', 'a1', NOW)).toEqual({ available: true });
  });

  it.each([
    ['unknown_provider', 'nobody', {}, 'provider "nobody" is not in the registry'],
    ['disabled', 'alpha', { alpha: { enabled: false } }, 'provider "alpha" is disabled'],
    [
      'no_credential',
      'alpha',
      { alpha: { credential: 'missing' } },
      'provider "alpha" needs an API key and none is stored: store one with ai-registry ai:credentials:set alpha --key-stdin, or POST /api/providers/alpha/credentials',
    ],
    ['credential_expired', 'alpha', { alpha: { credential: 'expired' } }, 'the credential for "alpha" has expired'],
    ['credential_inactive', 'alpha', { alpha: { credential: 'inactive' } }, 'the credential for "alpha" is deactivated'],
    ['unhealthy', 'alpha', { alpha: { health: 'unhealthy' } }, 'provider "alpha" is unhealthy according to its latest health checks'],
  ] as const)('reports %s', (reason, provider, overrides, detail) => {
    expect(checkAvailability(snapshotOf(overrides), provider, 'text', undefined, NOW)).toEqual({
      available: false,
      reason,
      detail,
    });
  });

  it('reports no_model_of_type when the provider offers nothing of that type', () => {
    expect(checkAvailability(snapshotOf(), 'beta', 'embedding', undefined, NOW)).toEqual({
      available: false,
      reason: 'no_model_of_type',
      detail: 'provider "beta" offers no embedding models',
    });
  });

  it('reports unknown_model for a model not offered for the type, hinting at the other type', () => {
    const snapshot = snapshotOf();
    expect(checkAvailability(snapshot, 'alpha', 'text', 'a9', NOW)).toEqual({
      available: false,
      reason: 'unknown_model',
      detail: 'provider "alpha" offers no text model "a9"',
    });
    expect(checkAvailability(snapshot, 'alpha', 'text', 'ae1', NOW)).toEqual({
      available: false,
      reason: 'unknown_model',
      detail: 'provider "alpha" offers no text model "ae1" (it is an embedding model)',
    });
    // Without a type the model may be of either type.
    expect(checkAvailability(snapshot, 'alpha', undefined, 'ae1', NOW)).toEqual({ available: true });
    expect(checkAvailability(snapshot, 'alpha', undefined, 'zz', NOW)).toMatchObject({ reason: 'unknown_model' });
  });

  it('does not require a model type when none is asked for', () => {
    expect(checkAvailability(snapshotOf(), 'delta', undefined, undefined, NOW)).toEqual({ available: true });
  });

  it('gives the reason to fix first when several apply', () => {
    const all = { alpha: { enabled: false, credential: 'missing', health: 'unhealthy' } } as const;
    expect(checkAvailability(snapshotOf(all), 'alpha', 'text', 'nope', NOW)).toMatchObject({ reason: 'disabled' });
    const notDisabled = { alpha: { credential: 'inactive', health: 'unhealthy' } } as const;
    expect(checkAvailability(snapshotOf(notDisabled), 'alpha', 'text', 'nope', NOW)).toMatchObject({
      reason: 'credential_inactive',
    });
    expect(checkAvailability(snapshotOf({ alpha: { health: 'unhealthy' } }), 'alpha', 'text', 'nope', NOW)).toMatchObject({
      reason: 'unhealthy',
    });
  });

  it('treats an active credential as expired from its expiry instant, without a snapshot rebuild', () => {
    const expiresAt = new Date('2025-06-01T12:00:00Z');
    const snapshot = snapshotOf({ alpha: { credentialExpiresAt: expiresAt } });
    expect(checkAvailability(snapshot, 'alpha', 'text', 'a1', new Date('2025-06-01T11:59:59.999Z'))).toEqual({
      available: true,
    });
    expect(checkAvailability(snapshot, 'alpha', 'text', 'a1', expiresAt)).toEqual({
      available: false,
      reason: 'credential_expired',
      detail: 'the credential for "alpha" expired at 2025-06-01T12:00:00.000Z',
    });
  });

  it('refuses a credential state it does not recognise instead of treating it as usable', () => {
    const snapshot = snapshotOf({ alpha: { credential: 'revoked' as never } });
    expect(checkAvailability(snapshot, 'alpha', 'text', 'a1', NOW)).toMatchObject({
      available: false,
      reason: 'no_credential',
    });
  });
});

describe(listAvailableProviders.name, () => {
  it('lists available providers by priority (lower first), then slug', () => {
    // gamma and delta share priority 30: the slug breaks the tie.
    expect(listAvailableProviders(snapshotOf(), undefined, NOW).map((p) => p.provider)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
  });

  it('leaves out unavailable providers and those without a model of the type', () => {
    const snapshot = snapshotOf({ alpha: { health: 'unhealthy' }, gamma: { health: 'degraded' } });
    expect(listAvailableProviders(snapshot, 'text', NOW).map((p) => p.provider)).toEqual(['beta', 'gamma']);
    expect(listAvailableProviders(snapshot, 'embedding', NOW).map((p) => p.provider)).toEqual(['delta', 'gamma']);
  });

  it('follows priorities from the snapshot, not the catalog', () => {
    const snapshot = snapshotOf({ beta: { priority: 0 } });
    expect(listAvailableProviders(snapshot, 'text', NOW).map((p) => p.provider)).toEqual(['beta', 'alpha', 'gamma']);
  });
});

describe(listAvailableModels.name, () => {
  it('lists models of available providers in provider order, models in list order', () => {
    const snapshot = snapshotOf({ beta: { enabled: false } });
    expect(listAvailableModels(snapshot, 'text', NOW)).toEqual([
      { provider: 'alpha', model: 'a1', modelType: 'text' },
      { provider: 'alpha', model: 'a2', modelType: 'text' },
      { provider: 'gamma', model: 'g1', modelType: 'text' },
    ]);
  });

  it('lists both types when no type is given', () => {
    const snapshot = snapshotOf({ beta: { enabled: false }, delta: { enabled: false }, gamma: { enabled: false } });
    expect(listAvailableModels(snapshot, undefined, NOW)).toEqual([
      { provider: 'alpha', model: 'a1', modelType: 'text' },
      { provider: 'alpha', model: 'a2', modelType: 'text' },
      { provider: 'alpha', model: 'ae1', modelType: 'embedding' },
    ]);
  });

  it('is empty when nothing is available', () => {
    const off = { enabled: false };
    expect(listAvailableModels(snapshotOf({ alpha: off, beta: off, gamma: off, delta: off }), undefined, NOW)).toEqual([]);
  });
});
