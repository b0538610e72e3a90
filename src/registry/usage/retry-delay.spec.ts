import { retryDelayMs } from './retry-delay';

describe(retryDelayMs.name, () => {
  it('doubles with each failure in a row, from the normal cadence up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((failures) => retryDelayMs(failures, 1000, 60_000))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('stays at the cap after any number of failures (no overflow to Infinity or NaN)', () => {
    expect(retryDelayMs(10_000, 1000, 60_000)).toBe(60_000);
    expect(retryDelayMs(Number.MAX_SAFE_INTEGER, 2_147_483_647, 2_147_483_647)).toBe(2_147_483_647);
  });
});
