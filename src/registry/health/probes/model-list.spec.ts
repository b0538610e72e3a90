import { findMissingModels, idsFromList, normaliseOllamaModel, normaliseOpenRouterModel } from './model-list';

describe('model-list', () => {
  describe(idsFromList.name, () => {
    it('reads ids from the documented list shape', () => {
      expect(idsFromList({ object: 'list', data: [{ id: 'a', object: 'model' }, { id: 'b' }] }, 'data', ['id'])).toEqual(['a', 'b']);
      expect(idsFromList({ models: [{ name: 'x:latest' }, { model: 'y:7b' }] }, 'models', ['name', 'model'])).toEqual(['x:latest', 'y:7b']);
      expect(idsFromList({ data: [] }, 'data', ['id'])).toEqual([]);
    });

    it.each([null, 'text', [], {}, { data: {} }, { data: [1] }, { data: [{ id: 7 }] }, { data: [{ name: 'a' }] }])('rejects %j', (body) => {
      expect(idsFromList(body, 'data', ['id'])).toBeNull();
    });
  });

  describe(findMissingModels.name, () => {
    it('returns unlisted catalog ids once, in catalog order, as spelled in the catalog', () => {
      expect(findMissingModels(['c', 'a', 'x', 'c', 'b'], ['a', 'b'])).toEqual(['c', 'x']);
      expect(findMissingModels([], ['a'])).toEqual([]);
    });

    it('compares normalised forms', () => {
      expect(findMissingModels(['Llama3.1', 'qwen2.5', 'phi3:mini'], ['llama3.1:latest', 'qwen2.5:7b'], normaliseOllamaModel)).toEqual([
        'qwen2.5',
        'phi3:mini',
      ]);
    });
  });

  it.each([
    ['llama3.1', 'llama3.1:latest'],
    ['llama3.1:latest', 'llama3.1:latest'],
    ['qwen2.5:7b', 'qwen2.5:7b'],
    ['hf.co/org/model', 'hf.co/org/model:latest'],
    ['hf.co/org/model:Q4_K_M', 'hf.co/org/model:q4_k_m'],
    ['registry.local:5000/team/model', 'registry.local:5000/team/model:latest'],
  ])('normaliseOllamaModel(%s) = %s', (id, expected) => {
    expect(normaliseOllamaModel(id)).toBe(expected);
  });

  it.each([
    ['openai/gpt-4o:nitro', 'openai/gpt-4o'],
    ['openai/gpt-4o:floor', 'openai/gpt-4o'],
    ['openai/gpt-4o:online', 'openai/gpt-4o'],
    ['meta-llama/llama-3.1-8b-instruct:free', 'meta-llama/llama-3.1-8b-instruct:free'],
    ['openai/gpt-4o', 'openai/gpt-4o'],
  ])('normaliseOpenRouterModel(%s) = %s', (id, expected) => {
    expect(normaliseOpenRouterModel(id)).toBe(expected);
  });
});
