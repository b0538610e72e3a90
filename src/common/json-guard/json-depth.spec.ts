import { nestsDeeperThan } from './json-depth';

describe(nestsDeeperThan.name, () => {
  it('counts objects and arrays as levels, scalars as none', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({ a: [1, { b: 'c' }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: {} }] }, 3)).toBe(true);
  });

  it('finds the deep branch among shallow ones', () => {
    expect(nestsDeeperThan({ a: 1, b: [[]], c: { d: { e: { f: [] } } } }, 4)).toBe(true);
  });

  it('walks a value nested far deeper than the call stack without overflowing', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`) as unknown;
    expect(nestsDeeperThan(deep, 32)).toBe(true);
    expect(nestsDeeperThan(deep, 200_000)).toBe(false);
  });
});
