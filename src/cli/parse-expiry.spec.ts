import { parseExpiry } from './parse-expiry';

describe(parseExpiry.name, () => {
  it('takes ISO 8601 dates and times', () => {
    expect(parseExpiry('2027-01-31').toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(parseExpiry('2027-01-31T12:00:00Z').toISOString()).toBe('2027-01-31T12:00:00.000Z');
  });

  it('refuses a day that does not exist instead of rolling it over, and anything that is not a date', () => {
    expect(() => parseExpiry('2027-02-31')).toThrow('--expires "2027-02-31": must be an ISO 8601 date or time');
    expect(() => parseExpiry('tomorrow')).toThrow('must be an ISO 8601 date or time');
  });
});
