import {
  ago,
  availabilityInWords,
  circuitPhaseInWords,
  clockTime,
  count,
  parsePreferenceValue,
  preferenceKeyOfError,
  preferenceValueText,
  usd,
} from '../../../admin/src/format';

describe('admin console wording', () => {
  it('says why a provider is unavailable in words, with what the last check saw when unhealthy', () => {
    expect(availabilityInWords({ available: true })).toBe('available');
    expect(availabilityInWords({ available: false, reason: 'no_credential', detail: '…' })).toBe('no credential');
    expect(availabilityInWords({ available: false, reason: 'credential_expired', detail: '…' })).toBe('expired credential');
    expect(availabilityInWords({ available: false, reason: 'unhealthy', detail: '…' }, '401 from the provider')).toBe(
      'unhealthy: 401 from the provider',
    );
    expect(availabilityInWords({ available: false, reason: 'some_new_reason', detail: '…' })).toBe('some new reason');
  });

  it('says a tripped provider is back at the end of its cooldown, and until when a spent budget holds', () => {
    const now = Date.parse('2026-12-01T12:25:00Z');
    const circuit = {
      state: 'open' as const,
      until: '2026-12-01T12:31:00.000Z',
      trips: 1,
      reason: 'tripped: 9 of 10 calls failed in 60 s',
    };
    const tripped = { available: false as const, reason: 'tripped', detail: '…' };
    expect(availabilityInWords(tripped, null, { circuit, now })).toBe('tripped: 9 of 10 calls failed in 60 s, back at 12:31 UTC');
    expect(availabilityInWords(tripped, null, { circuit: { ...circuit, until: '2026-12-02T00:05:00Z' }, now })).toBe(
      'tripped: 9 of 10 calls failed in 60 s, back at 2 Dec 00:05 UTC',
    );
    expect(availabilityInWords(tripped)).toBe('tripped: real calls failed');
    const budget = { usd: '1', window: 'month' as const, warnAt: 0.8, exhaustedUntil: '2027-01-01T00:00:00.000Z' };
    const spent = { available: false as const, reason: 'budget_exhausted', detail: '…' };
    expect(availabilityInWords(spent, null, { budget })).toBe('budget spent until 1 Jan');
    expect(availabilityInWords(spent, null, { budget: null })).toBe('budget spent');
    expect(clockTime('2026-12-01T09:05:00Z', now)).toBe('09:05 UTC');
    expect(circuitPhaseInWords('half_open')).toBe('half-open: a few trial calls are let through');
  });

  it('shows USD decimal strings exactly, with cents at least and no trailing zeros past them', () => {
    expect(usd('3.500000')).toBe('$3.50');
    expect(usd('0.010500')).toBe('$0.0105');
    expect(usd('0.000000')).toBe('$0.00');
    expect(usd('1234567.000001')).toBe('$1,234,567.000001');
    expect(usd('12')).toBe('$12.00');
    expect(usd('not money')).toBe('not money');
  });

  it('counts decimal strings past 2^53 exactly and tells times relative to now', () => {
    expect(count('12345678901234567890')).toBe('12,345,678,901,234,567,890');
    expect(count(999)).toBe('999');
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(ago(null, now)).toBe('never');
    expect(ago('2026-01-01T11:59:55Z', now)).toBe('just now');
    expect(ago('2026-01-01T11:57:00Z', now)).toBe('3 min ago');
    expect(ago('2026-01-01T09:00:00Z', now)).toBe('3 h ago');
    expect(ago('2025-12-29T12:00:00Z', now)).toBe('3 d ago');
  });

  it('reads preference values as JSON when they parse and as text otherwise, and back', () => {
    expect(parsePreferenceValue('teal')).toBe('teal');
    expect(parsePreferenceValue('"teal"')).toBe('teal');
    expect(parsePreferenceValue('3')).toBe(3);
    expect(parsePreferenceValue('{"dark":true}')).toEqual({ dark: true });
    expect(parsePreferenceValue('')).toBe('');
    for (const value of ['teal', 3, true, { dark: true }, [1, 2]]) expect(parsePreferenceValue(preferenceValueText(value))).toEqual(value);
  });

  it('puts an API field error at the preference row it names, or at the form', () => {
    const keys = ['colour', 'apiToken', 'my key'];
    expect(preferenceKeyOfError('ui_preferences.apiToken', keys)).toBe('apiToken');
    expect(preferenceKeyOfError('ui_preferences.colour.shades[2]', keys)).toBe('colour');
    expect(preferenceKeyOfError('ui_preferences["my key"]', keys)).toBe('my key');
    expect(preferenceKeyOfError('ui_preferences[<redacted key>]', keys)).toBeNull();
    expect(preferenceKeyOfError('uiPreferences', keys)).toBeNull();
    expect(preferenceKeyOfError('ui_preferences.other', keys)).toBeNull();
  });
});
