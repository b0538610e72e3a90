import { InvalidInputError } from '../kernel/registry.errors';
import { assertApiKey, assertCredentialType, assertExpiresAt, MAX_API_KEY_LENGTH, TIMESTAMPTZ_MIN } from './credential-input.rules';

function failure(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}

const KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123';

describe(assertApiKey.name, () => {
  it.each([
    ['an OpenAI key', KEY],
    ['an Anthropic key', 'sk-ant-api03-AbC_dEf-GhI'],
    ['every visible ASCII character', Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('')],
    ['a key of the maximum length', 'k'.repeat(MAX_API_KEY_LENGTH)],
    ['a one-character key', 'x'],
  ])('accepts %s', (_, key) => {
    expect(assertApiKey(key, true)).toBe(key);
    expect(assertApiKey(key, false)).toBe(key);
  });

  it.each([undefined, null, ''])('gives "" for an absent key (%j) when none is required', (value) => {
    expect(assertApiKey(value, false)).toBe('');
  });

  it.each([undefined, null, '', '   ', '\n'])('requires a key (%j) when the provider needs one', (value) => {
    expect(failure(() => assertApiKey(value, true))).toMatchObject({ field: 'apiKey', rule: 'is required for this provider' });
  });

  it.each([42, {}, ['sk-x'], Buffer.from('sk-x')])('rejects a non-string %p', (value) => {
    expect(failure(() => assertApiKey(value, false))).toMatchObject({ field: 'apiKey', rule: 'must be a string' });
  });

  it('rejects a key longer than the maximum', () => {
    expect(failure(() => assertApiKey('k'.repeat(MAX_API_KEY_LENGTH + 1), true)).rule).toBe(
      `must be at most ${MAX_API_KEY_LENGTH} characters`,
    );
  });

  it.each([
    ['a leading space', ` ${KEY}`, 'U+0020 at index 0'],
    ['a trailing newline', `${KEY}\n`, `U+000A at index ${KEY.length}`],
    ['a tab inside', 'sk-a\tb', 'U+0009 at index 4'],
    ['a CRLF', 'sk-a\r\n', 'U+000D at index 4'],
    ['a no-break space', 'sk-a\u00a0b', 'U+00A0 at index 4'],
    ['an ideographic space', 'sk-a\u3000b', 'U+3000 at index 4'],
    ['a byte-order mark', '\ufeffsk-a', 'U+FEFF at index 0'],
    ['a whitespace-only key when none is required', '   ', 'U+0020 at index 0'],
  ])('rejects %s as whitespace, naming the code point and index', (_, key, at) => {
    const error = failure(() => assertApiKey(key, false));
    expect(error.field).toBe('apiKey');
    expect(error.rule).toBe(`must not contain whitespace or line breaks (found ${at}); paste the key alone`);
  });

  it.each([
    ['an emoji', `${KEY}😀`, `U+1F600 at index ${KEY.length}`],
    ['a zero-width space', `sk-\u200b${KEY}`, 'U+200B at index 3'],
    ['a NUL', 'sk-a\u0000b', 'U+0000 at index 4'],
    ['an escape character', 'sk-\u001b[0m', 'U+001B at index 3'],
    ['DEL', 'sk-\u007f', 'U+007F at index 3'],
    ['a Latin-1 letter', 'sk-clé', 'U+00E9 at index 5'],
    ['a lone surrogate', 'sk-\ud800', 'U+D800 at index 3'],
  ])('rejects %s as not sendable in a header', (_, key, at) => {
    const error = failure(() => assertApiKey(key, true));
    expect(error.field).toBe('apiKey');
    expect(error.rule).toContain(`must contain only printable ASCII characters`);
    expect(error.rule).toContain(`(found ${at},`);
  });

  it('never puts any part of the key in the message', () => {
    for (const key of [`${KEY}😀`, ` ${KEY}`, 'k'.repeat(MAX_API_KEY_LENGTH + 1)]) {
      const message = failure(() => assertApiKey(key, true)).message;
      expect(message).not.toContain('AbCdEf');
      expect(message).not.toContain('kkkk');
    }
  });
});

describe(assertExpiresAt.name, () => {
  const now = new Date('2025-06-01T12:00:00.000Z');

  it.each([undefined, null])('gives null (never expires) for %p', (value) => {
    expect(assertExpiresAt(value, now)).toBeNull();
  });

  it.each([
    new Date(now.getTime() + 1),
    new Date('2026-01-01T00:00:00Z'),
    new Date(8.64e15), // the last date JavaScript can represent, still inside timestamptz
  ])('accepts the future date %p', (date) => {
    expect(assertExpiresAt(date, now)).toBe(date);
  });

  it.each<[string, unknown]>([
    ['an invalid Date', new Date('not a date')],
    ['an ISO string', '2026-01-01T00:00:00Z'],
    ['a number', Date.now() + 60_000],
    ['an object', {}],
  ])('rejects %s', (_, value) => {
    expect(failure(() => assertExpiresAt(value, now))).toMatchObject({ field: 'expiresAt', rule: 'must be a valid date or null' });
  });

  it.each([new Date(-8.64e15), new Date(TIMESTAMPTZ_MIN.getTime() - 1)])(
    'rejects %p, before the start of timestamptz, instead of a raw "out of range"',
    (date) => {
      expect(failure(() => assertExpiresAt(date, now))).toMatchObject({
        field: 'expiresAt',
        rule: 'must be within the PostgreSQL timestamptz range (4714 BC to 294276 AD)',
      });
    },
  );

  it.each([now, new Date(now.getTime() - 1), new Date('2020-01-01T00:00:00Z'), TIMESTAMPTZ_MIN])(
    'rejects the past or present date %p: it would replace a working key with an expired one',
    (date) => {
      expect(failure(() => assertExpiresAt(date, now))).toMatchObject({
        field: 'expiresAt',
        rule: 'must be in the future (now is 2025-06-01T12:00:00.000Z): storing an already expired credential would replace the current one',
      });
    },
  );

  it('starts timestamptz at 4714-11-24 BC, midnight UTC', () => {
    expect(TIMESTAMPTZ_MIN.toISOString()).toBe('-004713-11-24T00:00:00.000Z');
  });
});

describe(assertCredentialType.name, () => {
  it.each([undefined, null])('defaults %p to api_key', (value) => {
    expect(assertCredentialType(value)).toBe('api_key');
  });

  it.each(['api_key', 'oauth_token', 'a', 'type_499', 'a'.repeat(50)])('accepts %j', (type) => {
    expect(assertCredentialType(type)).toBe(type);
  });

  it.each(['', 'API_KEY', '1key', '_key', 'api-key', 'api key', 'a'.repeat(51), 'api_key\u0000', 'api_key\n', 42])('rejects %j', (type) => {
    expect(failure(() => assertCredentialType(type))).toMatchObject({
      field: 'credentialType',
      rule: 'must be lower_snake_case, 1-50 characters',
    });
  });
});
