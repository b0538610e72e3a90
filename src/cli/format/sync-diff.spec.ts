import { renderSyncDiff } from './sync-diff';

describe('renderSyncDiff', () => {
  const empty = { created: [], updated: [], unchanged: [], pruned: [], notInCatalog: [], overridden: [] };

  it('says what a dry run would do, field by field, and how to apply it', () => {
    const lines = renderSyncDiff({
      ...empty,
      dryRun: true,
      created: ['groq'],
      updated: [
        {
          provider: 'openai',
          changes: [
            { field: 'displayName', from: 'OpenAI', to: 'OpenAI Platform' },
            {
              field: 'capabilities',
              from: { textModels: [1, 2], embeddingModels: [] },
              to: { textModels: [1, 2, 3], embeddingModels: [1] },
            },
          ],
        },
      ],
      unchanged: ['anthropic'],
      pruned: ['legacy'],
      overridden: [{ provider: 'anthropic', field: 'priority', catalog: 20, operator: 5 }],
    });
    expect(lines).toEqual([
      '+ groq: would be created from the catalog',
      '~ openai: would be updated',
      '    displayName: "OpenAI" → "OpenAI Platform"',
      '    capabilities: 2 text / 0 embedding models → 3 text / 1 embedding models',
      '- legacy: would be disabled (no longer in the catalog)',
      "= anthropic: operator's priority 5 stays over the catalog's 20",
      'Dry run: 1 created, 1 updated, 1 pruned, 1 unchanged (run without --dry-run to apply)',
    ]);
  });

  it('an applied sync with nothing to do is one line; providers left outside the catalog are named', () => {
    expect(renderSyncDiff({ ...empty, dryRun: false, unchanged: ['openai'], notInCatalog: ['custom'] })).toEqual([
      '? custom: not in the catalog, left as it is (--prune disables it)',
      '0 created, 0 updated, 0 pruned, 1 unchanged',
    ]);
  });
});
