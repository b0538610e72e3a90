import { precedenceOrder, selectModel, SelectionRequest, SkippedCandidate } from './select-model';
import { NoAvailableProviderError, UnknownOperationError } from './selection.errors';
import { FIXTURE_YAML, fixtureCatalog, snapshotOf } from './__fixtures__/registry.fixture';

/*
 * Fixture (see __fixtures__/registry.fixture.ts):
 *   defaults        text alpha/a1, embedding alpha/ae1
 *   fallback text   beta/b1, alpha/a1, gamma/g1, beta/b1     embedding: gamma/ge1
 *   operations      summarize gamma/g1 (on), tagging beta/b1 (off), embed delta/de1 (embedding, on)
 *   weights         command 100 > project 80 > vault 60 > operation 50 > default 40 > fallback 20
 */

const NOW = new Date('2025-06-01T12:00:00Z');
const text = (extra: Partial<SelectionRequest> = {}): SelectionRequest => ({ modelType: 'text', now: NOW, ...extra });
const embedding = (extra: Partial<SelectionRequest> = {}): SelectionRequest => ({ modelType: 'embedding', now: NOW, ...extra });
const unhealthy = { health: 'unhealthy' } as const;
const disabled = { enabled: false } as const;

function failure(run: () => unknown): NoAvailableProviderError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NoAvailableProviderError);
    return error as NoAvailableProviderError;
  }
  throw new Error('expected NoAvailableProviderError');
}

const brief = (skipped: SkippedCandidate[]) =>
  skipped.map(({ candidate, reason }) => `${candidate.source} ${candidate.provider}/${candidate.model} ${reason}`);

describe(selectModel.name, () => {
  it('uses the global default for the type when nothing more specific is asked', () => {
    expect(selectModel(snapshotOf(), text())).toEqual({ provider: 'alpha', model: 'a1', source: 'global_default', skipped: [] });
    expect(selectModel(snapshotOf(), embedding())).toEqual({
      provider: 'alpha',
      model: 'ae1',
      source: 'global_default',
      skipped: [],
    });
  });

  describe('precedence: command override > project > vault > operation > global default > fallback', () => {
    const all = text({
      commandOverride: { provider: 'beta', model: 'b1' },
      projectPreference: { provider: 'gamma', model: 'g1' },
      vaultPreference: { provider: 'alpha', model: 'a2' },
      operation: 'summarize',
    });

    it('takes the command override when it is available', () => {
      expect(selectModel(snapshotOf(), all)).toMatchObject({ provider: 'beta', model: 'b1', source: 'command_override' });
    });

    it('steps down one source at a time, explaining each skip', () => {
      expect(selectModel(snapshotOf({ beta: unhealthy }), all)).toEqual({
        provider: 'gamma',
        model: 'g1',
        source: 'project_preference',
        skipped: [
          {
            candidate: { provider: 'beta', model: 'b1', source: 'command_override' },
            reason: 'unhealthy',
            detail: 'provider "beta" is unhealthy according to its latest health checks',
          },
        ],
      });

      const vault = selectModel(snapshotOf({ beta: unhealthy, gamma: disabled }), all);
      expect(vault).toMatchObject({ provider: 'alpha', model: 'a2', source: 'vault_preference' });
      expect(brief(vault.skipped)).toEqual(['command_override beta/b1 unhealthy', 'project_preference gamma/g1 disabled']);
    });

    it('reaches the operation override, then the global default', () => {
      const noPrefs = text({ operation: 'summarize', vaultPreference: { provider: 'alpha', model: 'a9' } });
      const viaOperation = selectModel(snapshotOf(), noPrefs);
      expect(viaOperation).toMatchObject({ provider: 'gamma', model: 'g1', source: 'operation' });
      expect(brief(viaOperation.skipped)).toEqual(['vault_preference alpha/a9 unknown_model']);

      const viaDefault = selectModel(snapshotOf({ gamma: { credential: 'inactive' } }), noPrefs);
      expect(viaDefault).toMatchObject({ provider: 'alpha', model: 'a1', source: 'global_default' });
      expect(brief(viaDefault.skipped)).toEqual(['vault_preference alpha/a9 unknown_model', 'operation gamma/g1 credential_inactive']);
    });

    it('takes the order from the catalog weights, not from the code', () => {
      const reordered = fixtureCatalog(
        FIXTURE_YAML.replace('vault_preference: 60', 'vault_preference: 150').replace('fallback: 20', 'fallback: 45'),
      );
      expect(precedenceOrder(reordered.precedenceWeights)).toEqual([
        'vault_preference',
        'command_override',
        'project_preference',
        'operation',
        'fallback',
        'global_default',
      ]);
      const snapshot = snapshotOf({}, reordered);
      expect(selectModel(snapshot, all)).toMatchObject({ provider: 'alpha', model: 'a2', source: 'vault_preference' });
      // The fallback chain now outranks the global default.
      expect(selectModel(snapshot, text())).toMatchObject({ provider: 'beta', model: 'b1', source: 'fallback' });
    });
  });

  describe('preferences', () => {
    it("without a model means the provider's first model of the requested type", () => {
      expect(selectModel(snapshotOf(), text({ projectPreference: { provider: 'alpha' } }))).toMatchObject({
        provider: 'alpha',
        model: 'a1',
        source: 'project_preference',
      });
      expect(selectModel(snapshotOf(), embedding({ commandOverride: { provider: 'gamma' } }))).toMatchObject({
        provider: 'gamma',
        model: 'ge1',
        source: 'command_override',
      });
    });

    it('explains a preference for a provider without models of the type, or one that does not exist', () => {
      const result = selectModel(
        snapshotOf(),
        embedding({ commandOverride: { provider: 'beta' }, projectPreference: { provider: 'openai' } }),
      );
      expect(result).toMatchObject({ provider: 'alpha', model: 'ae1', source: 'global_default' });
      expect(result.skipped).toEqual([
        {
          candidate: { provider: 'beta', model: null, source: 'command_override' },
          reason: 'no_model_of_type',
          detail: 'provider "beta" offers no embedding models',
        },
        {
          candidate: { provider: 'openai', model: null, source: 'project_preference' },
          reason: 'unknown_provider',
          detail: 'provider "openai" is not in the registry',
        },
      ]);
    });

    it('skips a named model the provider offers only for the other type as unknown_model', () => {
      const result = selectModel(snapshotOf(), text({ commandOverride: { provider: 'alpha', model: 'ae1' } }));
      expect(result.skipped).toEqual([
        {
          candidate: { provider: 'alpha', model: 'ae1', source: 'command_override' },
          reason: 'unknown_model',
          detail: 'provider "alpha" offers no text model "ae1" (it is an embedding model)',
        },
      ]);
      expect(result).toMatchObject({ provider: 'alpha', model: 'a1', source: 'global_default' });
    });
  });

  describe('availability', () => {
    it('skips disabled providers with the reason and detail', () => {
      const result = selectModel(snapshotOf({ alpha: disabled }), text());
      expect(result).toMatchObject({ provider: 'beta', model: 'b1', source: 'fallback' });
      expect(result.skipped).toEqual([
        {
          candidate: { provider: 'alpha', model: 'a1', source: 'global_default' },
          reason: 'disabled',
          detail: 'provider "alpha" is disabled',
        },
      ]);
    });

    it('skips unhealthy providers but still uses degraded ones', () => {
      expect(selectModel(snapshotOf({ alpha: unhealthy }), text())).toMatchObject({ provider: 'beta', source: 'fallback' });
      expect(selectModel(snapshotOf({ alpha: { health: 'degraded' } }), text())).toEqual({
        provider: 'alpha',
        model: 'a1',
        source: 'global_default',
        skipped: [],
      });
    });

    it('skips a provider whose credential expired by the request time', () => {
      const snapshot = snapshotOf({ alpha: { credentialExpiresAt: new Date('2025-06-01T00:00:00Z') } });
      expect(selectModel(snapshot, text({ now: new Date('2025-05-31T23:00:00Z') }))).toMatchObject({ provider: 'alpha' });
      const later = selectModel(snapshot, text({ now: NOW }));
      expect(later).toMatchObject({ provider: 'beta', source: 'fallback' });
      expect(later.skipped[0]).toMatchObject({ reason: 'credential_expired' });
    });
  });

  describe('fallback chain', () => {
    it('walks the chain in order, skipping repeats of earlier candidates as duplicates', () => {
      const result = selectModel(snapshotOf({ alpha: disabled, beta: { credential: 'missing' } }), text());
      expect(result).toMatchObject({ provider: 'gamma', model: 'g1', source: 'fallback' });
      expect(result.skipped).toEqual([
        {
          candidate: { provider: 'alpha', model: 'a1', source: 'global_default' },
          reason: 'disabled',
          detail: 'provider "alpha" is disabled',
        },
        {
          candidate: { provider: 'beta', model: 'b1', source: 'fallback' },
          reason: 'no_credential',
          detail:
            'provider "beta" needs an API key and none is stored: store one with ai-registry ai:credentials:set beta --key-stdin, or POST /api/providers/beta/credentials',
        },
        {
          candidate: { provider: 'alpha', model: 'a1', source: 'fallback' },
          reason: 'duplicate',
          detail: 'alpha/a1 was already considered as global_default',
        },
      ]);
    });

    it('terminates on cycles and repeats, reporting each candidate once and repeats as duplicates', () => {
      const error = failure(() => selectModel(snapshotOf({ alpha: disabled, beta: disabled, gamma: unhealthy }), text()));
      expect(brief([...error.skipped])).toEqual([
        'global_default alpha/a1 disabled',
        'fallback beta/b1 disabled',
        'fallback alpha/a1 duplicate',
        'fallback gamma/g1 unhealthy',
        'fallback beta/b1 duplicate',
      ]);
      expect(error.skipped[4].detail).toBe('beta/b1 was already considered as fallback');
    });

    it('uses the chain of the requested type only', () => {
      expect(selectModel(snapshotOf({ alpha: disabled }), embedding())).toMatchObject({
        provider: 'gamma',
        model: 'ge1',
        source: 'fallback',
      });
    });

    it('dedupes preferences against each other as well', () => {
      const result = selectModel(
        snapshotOf({ beta: disabled }),
        text({ commandOverride: { provider: 'beta' }, projectPreference: { provider: 'beta', model: 'b1' } }),
      );
      expect(brief(result.skipped)).toEqual(['command_override beta/b1 disabled', 'project_preference beta/b1 duplicate']);
      expect(result.source).toBe('global_default');
    });
  });

  describe('operation overrides', () => {
    it('uses an enabled operation of the requested type', () => {
      expect(selectModel(snapshotOf(), text({ operation: 'summarize' }))).toEqual({
        provider: 'gamma',
        model: 'g1',
        source: 'operation',
        skipped: [],
      });
      expect(selectModel(snapshotOf(), embedding({ operation: 'embed' }))).toEqual({
        provider: 'delta',
        model: 'de1',
        source: 'operation',
        skipped: [],
      });
    });

    it('passes over a disabled operation to the global default, saying why', () => {
      expect(selectModel(snapshotOf(), text({ operation: 'tagging' }))).toEqual({
        provider: 'alpha',
        model: 'a1',
        source: 'global_default',
        skipped: [
          {
            candidate: { provider: 'beta', model: 'b1', source: 'operation' },
            reason: 'operation_disabled',
            detail: 'operation "tagging" override is disabled',
          },
        ],
      });
    });

    it('ignores an operation configured for the other model type', () => {
      expect(selectModel(snapshotOf(), text({ operation: 'embed' }))).toEqual({
        provider: 'alpha',
        model: 'a1',
        source: 'global_default',
        skipped: [
          {
            candidate: { provider: 'delta', model: 'de1', source: 'operation' },
            reason: 'operation_wrong_type',
            detail: 'operation "embed" is configured for embedding models, the request is for text',
          },
        ],
      });
      expect(selectModel(snapshotOf(), embedding({ operation: 'summarize' })).skipped[0]).toMatchObject({
        reason: 'operation_wrong_type',
      });
    });

    it('does not let a disabled operation block the same model from a later source', () => {
      // tagging (off) names beta/b1, which is also the first fallback: the fallback must still be tried.
      const result = selectModel(snapshotOf({ alpha: disabled }), text({ operation: 'tagging' }));
      expect(result).toMatchObject({ provider: 'beta', model: 'b1', source: 'fallback' });
    });

    it('rejects an operation the catalog does not declare, even when an override would win', () => {
      const run = () => selectModel(snapshotOf(), text({ operation: 'summarise', commandOverride: { provider: 'alpha' } }));
      expect(run).toThrow(UnknownOperationError);
      expect(run).toThrow('unknown operation "summarise" (known: summarize, tagging, embed)');
      try {
        run();
      } catch (error) {
        expect(error).toMatchObject({ code: 'UNKNOWN_OPERATION', operation: 'summarise' });
      }
    });
  });

  describe('when nothing is available', () => {
    it('throws NoAvailableProviderError carrying every candidate and reason, listed in the message', () => {
      const off = { enabled: false } as const;
      const error = failure(() =>
        selectModel(
          snapshotOf({ alpha: off, beta: off, gamma: off, delta: off }),
          embedding({ operation: 'embed', vaultPreference: { provider: 'beta' } }),
        ),
      );
      expect(error.code).toBe('NO_AVAILABLE_PROVIDER');
      expect(error.modelType).toBe('embedding');
      expect(error.operation).toBe('embed');
      expect(error.skipped).toEqual([
        {
          candidate: { provider: 'beta', model: null, source: 'vault_preference' },
          reason: 'disabled',
          detail: 'provider "beta" is disabled',
        },
        {
          candidate: { provider: 'delta', model: 'de1', source: 'operation' },
          reason: 'disabled',
          detail: 'provider "delta" is disabled',
        },
        {
          candidate: { provider: 'alpha', model: 'ae1', source: 'global_default' },
          reason: 'disabled',
          detail: 'provider "alpha" is disabled',
        },
        {
          candidate: { provider: 'gamma', model: 'ge1', source: 'fallback' },
          reason: 'disabled',
          detail: 'provider "gamma" is disabled',
        },
      ]);
      expect(error.message).toBe(
        [
          'no available embedding model for operation "embed"; candidates tried:',
          '  vault_preference beta/(none): disabled (provider "beta" is disabled)',
          '  operation delta/de1: disabled (provider "delta" is disabled)',
          '  global_default alpha/ae1: disabled (provider "alpha" is disabled)',
          '  fallback gamma/ge1: disabled (provider "gamma" is disabled)',
        ].join('\n'),
      );
    });

    it('says so when there were no candidates at all', () => {
      expect(new NoAvailableProviderError('text', []).message).toBe(
        'no available text model: no candidates (no preference, operation, default or fallback applies)',
      );
    });
  });
});
