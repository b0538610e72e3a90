import { auditFields, valueInWords } from '../../../admin/src/audit-fields';

describe('audit trail fields in words', () => {
  it('says values in a short line: lists by their items (models by id), objects by their fields, long ones cut', () => {
    expect(valueInWords(null)).toBe('none');
    expect(valueInWords('')).toBe('(empty)');
    expect(valueInWords(true)).toBe('true');
    expect(valueInWords(['a', 'b'])).toBe('a, b');
    const models = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'o3'].map((id) => ({
      id,
      name: id.toUpperCase(),
    }));
    expect(valueInWords(models)).toBe('gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4.1-mini, gpt-5 +2 more');
    expect(valueInWords({ probe: 'openai', requiresApiKey: true, nested: { a: 1, b: 2 } })).toBe(
      'probe: openai; requiresApiKey: true; nested: (2 fields)',
    );
    expect(valueInWords('x'.repeat(200))).toBe(`${'x'.repeat(160)}…`);
  });

  it('a created row shows what was set, objects one level down; a change keeps a field cleared to nothing', () => {
    const created = {
      provider: 'openai',
      displayName: 'OpenAI',
      displayNameOverride: null,
      enabled: true,
      priority: 10,
      capabilities: { probe: 'openai', textModels: [{ id: 'gpt-4o' }, { id: 'gpt-4o-mini' }], embeddingModels: [] },
      uiPreferences: {},
      budgetUsd: null,
    };
    expect(auditFields(created, true)).toEqual([
      { name: 'provider', text: 'openai' },
      { name: 'displayName', text: 'OpenAI' },
      { name: 'enabled', text: 'true' },
      { name: 'priority', text: '10' },
      {
        name: 'capabilities',
        text: '',
        fields: [
          { name: 'probe', text: 'openai' },
          { name: 'textModels', text: 'gpt-4o, gpt-4o-mini' },
          { name: 'embeddingModels', text: 'none' },
        ],
      },
    ]);
    expect(auditFields({ budgetUsd: null }, false)).toEqual([{ name: 'budgetUsd', text: 'none' }]);
    expect(auditFields(null, false)).toEqual([]);
  });
});
