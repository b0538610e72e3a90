import { InvalidInputError } from '../kernel/registry.errors';
import {
  assertConsumerKeyExpiry,
  assertConsumerKeyName,
  consumerMayUse,
  displayPrefixOf,
  generateConsumerKey,
  hashConsumerKey,
  looksLikeConsumerKey,
  MAX_KEY_MODELS,
  modelEntryProblem,
  parseConsumerKeyModels,
} from './consumer-key.rules';
import { parseKeyNotification } from './key-notification';

function invalid(fn: () => unknown): { field: string; rule: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const { field, rule } = error as InvalidInputError;
    return { field, rule };
  }
  throw new Error('expected an InvalidInputError');
}

describe('consumer key rules', () => {
  it('makes keys of 256 random bits with the sk-reg- prefix, each different, that look like keys', () => {
    const keys = new Set(Array.from({ length: 100 }, generateConsumerKey));
    expect(keys.size).toBe(100);
    for (const key of keys) {
      expect(key).toMatch(/^sk-reg-[A-Za-z0-9_-]{43}$/);
      expect(looksLikeConsumerKey(key)).toBe(true);
      expect(displayPrefixOf(key)).toBe(key.slice(0, 12));
    }
    for (const other of ['', 'sk-reg-', 'reg_abc', `sk-reg-${'a'.repeat(42)}`, `sk-reg-${'a'.repeat(44)}`, `sk-reg-${'a'.repeat(42)}=`]) {
      expect(looksLikeConsumerKey(other)).toBe(false);
    }
  });

  it('hashes a key to lowercase SHA-256 hex', () => {
    expect(hashConsumerKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('names keys by the API tokens’ rule', () => {
    expect(assertConsumerKeyName('billing-svc.prod_2')).toBe('billing-svc.prod_2');
    for (const bad of ['', 'Billing', 'has space', '-leading', '12345', 'a'.repeat(101), 7, null, 'line\nbreak']) {
      expect(invalid(() => assertConsumerKeyName(bad))).toEqual({ field: 'name', rule: expect.stringContaining('1-100 of a-z') });
    }
  });

  it('takes provider/model entries: a provider slug, then a non-empty model without whitespace (it may hold slashes)', () => {
    for (const ok of [
      'openai/gpt-4o-mini',
      'openrouter/openai/gpt-4o:free',
      'ollama/llama3.2:3b',
      'anthropic/claude-3-5-sonnet@20240620',
    ]) {
      expect(modelEntryProblem(ok)).toBeUndefined();
    }
    expect(modelEntryProblem('gpt-4o')).toContain('must be provider/model');
    expect(modelEntryProblem('OpenAI/gpt-4o')).toContain('the provider must match');
    expect(modelEntryProblem('/gpt-4o')).toContain('the provider must match');
    expect(modelEntryProblem('openai/')).toContain('the model is empty');
    expect(modelEntryProblem('openai/gpt 4o')).toContain('whitespace');
    expect(modelEntryProblem('openai/gpt-4o\t')).toContain('whitespace');
    expect(modelEntryProblem(`openai/${'m'.repeat(201)}`)).toContain('at most 200 characters');
    expect(modelEntryProblem('openai/gpt\u0000')).toContain('control character');
    expect(modelEntryProblem(42)).toContain('must be a string');
  });

  it('parses a model list: null for every model, duplicates dropped, each bad entry named by its position', () => {
    expect(parseConsumerKeyModels(undefined)).toBeNull();
    expect(parseConsumerKeyModels(null)).toBeNull();
    expect(parseConsumerKeyModels(['openai/gpt-4o', 'anthropic/claude-3-5-haiku', 'openai/gpt-4o'])).toEqual([
      'openai/gpt-4o',
      'anthropic/claude-3-5-haiku',
    ]);
    expect(invalid(() => parseConsumerKeyModels([]))).toEqual({ field: 'models', rule: expect.stringContaining('at least one') });
    expect(invalid(() => parseConsumerKeyModels('openai/gpt-4o'))).toEqual({ field: 'models', rule: expect.stringContaining('a list') });
    expect(invalid(() => parseConsumerKeyModels(['openai/gpt-4o', 'gpt-4o']))).toEqual({
      field: 'models',
      rule: expect.stringMatching(/^entry 2 must be provider\/model/),
    });
    const many = Array.from({ length: MAX_KEY_MODELS + 1 }, (_, i) => `openai/m${i}`);
    expect(invalid(() => parseConsumerKeyModels(many)).rule).toContain(`at most ${MAX_KEY_MODELS}`);
  });

  it('never repeats an entry in its reason (it may be a pasted key)', () => {
    const pasted = 'openai/sk-proj-Zx81KqLmNoPq2RsTuVwXyZaBcDeF9876 ';
    const { rule } = invalid(() => parseConsumerKeyModels([pasted]));
    expect(rule).not.toContain('Zx81');
  });

  it('takes an expiry in the future, or none', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(assertConsumerKeyExpiry(undefined, now)).toBeNull();
    expect(assertConsumerKeyExpiry(null, now)).toBeNull();
    expect(assertConsumerKeyExpiry(new Date(now + 1), now)).toEqual(new Date(now + 1));
    expect(invalid(() => assertConsumerKeyExpiry(new Date(now), now))).toEqual({ field: 'expiresAt', rule: 'must be in the future' });
    expect(invalid(() => assertConsumerKeyExpiry(new Date(Number.NaN), now)).rule).toContain('date-time');
    expect(invalid(() => assertConsumerKeyExpiry('2027-01-01', now)).rule).toContain('date-time');
  });

  it('lets an unlimited key use every model and a limited one exactly those it lists', () => {
    const unlimited = { id: '1', name: 'all', models: null };
    const limited = { id: '2', name: 'some', models: ['openai/gpt-4o-mini', 'openrouter/openai/gpt-4o'] };
    expect(consumerMayUse(unlimited, 'anthropic', 'claude-3-5-haiku')).toBe(true);
    expect(consumerMayUse(limited, 'openai', 'gpt-4o-mini')).toBe(true);
    expect(consumerMayUse(limited, 'openrouter', 'openai/gpt-4o')).toBe(true);
    expect(consumerMayUse(limited, 'openai', 'gpt-4o')).toBe(false);
    expect(consumerMayUse(limited, 'openrouter', 'gpt-4o-mini')).toBe(false);
    expect(consumerMayUse(limited, 'openai/gpt-4o', 'mini')).toBe(false);
    expect(consumerMayUse({ ...limited, models: [] }, 'openai', 'gpt-4o-mini')).toBe(false);
  });
});

describe(parseKeyNotification.name, () => {
  it('reads the ids a trigger names; anything else means everything', () => {
    expect(parseKeyNotification('{"ids" : ["1","42"]}')).toEqual(['1', '42']);
    for (const payload of ['', '{"all":true}', 'null', '5', '{"ids":[]}', '{"ids":[1]}', '{"ids":["01"]}', '{"ids":["x"]}', 'not json']) {
      expect(parseKeyNotification(payload)).toBe('all');
    }
  });
});
