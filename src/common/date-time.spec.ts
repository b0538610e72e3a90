import { parseDateTime } from './date-time';

describe(parseDateTime.name, () => {
  it('reads calendar dates and date-times with or without an offset', () => {
    expect(parseDateTime('2020-01-06')?.toISOString()).toBe('2020-01-06T00:00:00.000Z');
    expect(parseDateTime('2020-01-06T10:30:00Z')?.toISOString()).toBe('2020-01-06T10:30:00.000Z');
    expect(parseDateTime('2020-01-06T10:30:00.123+01:00')?.toISOString()).toBe('2020-01-06T09:30:00.123Z');
  });

  it('refuses ISO week and ordinal dates, days that do not exist and extended years', () => {
    for (const text of ['2020-W01', '2020-W01-1', '2020-001', '2020-02-30', '2020-01-06T25:00Z', '+275760-09-13T00:00:00Z', 'yesterday']) {
      expect({ text, date: parseDateTime(text) }).toEqual({ text, date: undefined });
    }
  });
});
