import { InvalidInputError } from '../kernel/registry.errors';
import { assertPriorityOverride, assertProviderSlug } from './provider-input.rules';

function failure(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}

describe(assertProviderSlug.name, () => {
  it.each(['openai', 'my_vllm', 'open-router', 'a1', 'keys', 'size', 'a'.repeat(63)])('accepts %j', (slug) => {
    expect(assertProviderSlug(slug)).toBe(slug);
  });

  const PATTERN_RULE = 'must be a provider slug: must match ^[a-z][a-z0-9_-]{1,62}$';
  it.each([
    ['a NUL', 'open\u0000ai'],
    ['a newline that could forge a log line', 'openai\n{"level":30}'],
    ['10 KB of junk', 'x'.repeat(10_000)],
    ['64 characters (the column is varchar(63))', 'a'.repeat(64)],
    ['one character', 'a'],
    ['empty', ''],
    ['upper case', 'OpenAI'],
    ['a space', 'open ai'],
    ['a leading digit', '1openai'],
    ['__proto__', '__proto__'],
    ['toString', 'toString'],
    ['an emoji', 'openai😀'],
    ['a lone surrogate', 'openai\ud800'],
  ])('rejects %s', (_, slug) => {
    const error = failure(() => assertProviderSlug(slug));
    expect(error).toMatchObject({ field: 'provider', rule: PATTERN_RULE });
    expect(error.message).toBe(`provider: ${PATTERN_RULE}`);
  });

  it.each(['constructor', 'prototype'])('rejects the reserved slug %s', (slug) => {
    expect(failure(() => assertProviderSlug(slug))).toMatchObject({
      field: 'provider',
      rule: `must be a provider slug: "${slug}" is reserved: it names a JavaScript object internal`,
    });
  });

  it.each([undefined, null, 42, ['openai'], { provider: 'openai' }])('rejects the non-string %p', (value) => {
    expect(failure(() => assertProviderSlug(value))).toMatchObject({ field: 'provider', rule: 'must be a string' });
  });

  it('names the field it is given', () => {
    expect(failure(() => assertProviderSlug('Bad', 'defaults.text.provider')).field).toBe('defaults.text.provider');
  });
});

describe(assertPriorityOverride.name, () => {
  it.each([0, 1, 500, 1_000_000])('accepts %d', (priority) => {
    expect(assertPriorityOverride(priority)).toBe(priority);
  });

  it('accepts null: back to the catalog priority', () => {
    expect(assertPriorityOverride(null)).toBeNull();
  });

  it.each([-1, 1_000_001, 1_000_000_000_000, 1.5, NaN, Infinity, '10', undefined, true])('rejects %p', (priority) => {
    expect(failure(() => assertPriorityOverride(priority))).toMatchObject({
      field: 'priority',
      rule: 'must be an integer from 0 to 1000000 (lower = preferred), or null to use the catalog priority',
    });
  });
});
