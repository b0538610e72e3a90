import { assertSafeUiJson, UI_JSON_LIMITS } from './validate-ui-json';
import { UiJsonRule, UnsafeUiJsonError } from './unsafe-ui-json.error';

function rejection(value: unknown, field = 'ui_metadata'): UnsafeUiJsonError {
  try {
    assertSafeUiJson(value, field);
  } catch (error) {
    if (error instanceof UnsafeUiJsonError) return error;
    throw error;
  }
  throw new Error('expected the value to be rejected');
}

class Widget {
  size = 1;
}

describe(assertSafeUiJson.name, () => {
  it.each<[string, unknown]>([
    ['an empty object', {}],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { color: '#ff00aa' })],
    [
      'typical UI metadata',
      {
        display_name: 'OpenAI (production)',
        color: '#10a37f',
        icon: 'https://example.com/icons/openai.svg',
        badges: ['recommended', 'fast', null],
        order: 3,
        pinned: true,
        default_model: 'gpt-4o-mini-2024-07-18',
        owner_id: '123e4567-e89b-12d3-a456-426614174000',
        updated: '2024-10-22T10:15:30.000Z',
        limits: { max_tokens: 4096, tokens_per_minute: 90_000, price_per_token: 0.000002 },
        keyboard_shortcut: 'Ctrl+K',
        chart: { dataKey: 'usage_count', sortKey: 'name' },
      },
    ],
    ['depth exactly 4', { a: { b: { c: { d: 1 } } } }],
    ['arrays count as levels, exactly 4', { a: [[[1, 'x']]] }],
    ['a size just under the limit', { text: 'x'.repeat(UI_JSON_LIMITS.maxBytes - 20) }],
    ['paired surrogates (emoji) in keys and values', { '😀': 'thumbs 👍', flags: ['🇫🇷'] }],
    ['newlines, tabs and other controls jsonb stores', { note: 'line 1\nline 2\tend\u0001' }],
  ])('accepts %s', (_, value) => {
    expect(() => assertSafeUiJson(value, 'ui_metadata')).not.toThrow();
  });

  const secret = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123';
  const rejected: Array<[string, unknown, UiJsonRule, string]> = [
    ['null', null, 'not-object', 'ui_metadata'],
    ['an array', [1], 'not-object', 'ui_metadata'],
    ['a string', secret, 'not-object', 'ui_metadata'],
    ['undefined', undefined, 'not-object', 'ui_metadata'],
    ['a class instance at the top', new Widget(), 'not-object', 'ui_metadata'],
    ['a Date inside', { when: new Date(0) }, 'unsupported-type', 'ui_metadata.when'],
    ['a class instance inside', { display: { widget: new Widget() } }, 'unsupported-type', 'ui_metadata.display.widget'],
    ['a Map inside', { m: new Map() }, 'unsupported-type', 'ui_metadata.m'],
    ['undefined inside', { a: undefined }, 'unsupported-type', 'ui_metadata.a'],
    ['a function inside', { list: [1, () => 1] }, 'unsupported-type', 'ui_metadata.list[1]'],
    ['a bigint inside', { n: 1n }, 'unsupported-type', 'ui_metadata.n'],
    // eslint-disable-next-line no-sparse-arrays -- a hole is the input under test
    ['an array hole', { list: [1, , 3] }, 'unsupported-type', 'ui_metadata.list[1]'],
    ['a symbol key', { [Symbol('s')]: 1 }, 'unsupported-type', 'ui_metadata'],
    ['NaN', { score: NaN }, 'non-finite-number', 'ui_metadata.score'],
    ['Infinity in an array', { scores: [1, Infinity] }, 'non-finite-number', 'ui_metadata.scores[1]'],
    ['depth 5', { a: { b: { c: { d: { e: 1 } } } } }, 'too-deep', 'ui_metadata.a.b.c.d'],
    ['depth 5 through arrays', { a: [[[[1]]]] }, 'too-deep', 'ui_metadata.a[0][0][0]'],
    ['too large', { text: 'x'.repeat(UI_JSON_LIMITS.maxBytes) }, 'too-large', 'ui_metadata'],
    ['too large in UTF-8 bytes', { text: 'é'.repeat(UI_JSON_LIMITS.maxBytes / 2) }, 'too-large', 'ui_metadata'],
    ['__proto__ key', JSON.parse('{"a":{"__proto__":{"admin":true}}}'), 'forbidden-key', 'ui_metadata.a.__proto__'],
    ['constructor key', { constructor: 'x' }, 'forbidden-key', 'ui_metadata.constructor'],
    ['api_key', { api_key: 'hidden' }, 'secret-key', 'ui_metadata.api_key'],
    ['apiKey nested', { display: { apiKey: 'x' } }, 'secret-key', 'ui_metadata.display.apiKey'],
    ['x-api-key', { headers: { 'x-api-key': 'x' } }, 'secret-key', 'ui_metadata.headers["x-api-key"]'],
    ['password in an array item', { users: [{ name: 'a' }, { Password: 'x' }] }, 'secret-key', 'ui_metadata.users[1].Password'],
    ['a secret-looking key with a harmless value', { [secret]: true }, 'secret-key', 'ui_metadata[<redacted key>]'],
    ['a vendor key value', { display: { badges: ['a', 'b', secret] } }, 'secret-value', 'ui_metadata.display.badges[2]'],
    ['a bearer token value', { note: 'Bearer abc123def456ghi789jkl' }, 'secret-value', 'ui_metadata.note'],
    ['a JWT value', { t: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz' }, 'secret-value', 'ui_metadata.t'],
    ['a PEM value', { pem: '-----BEGIN RSA PRIVATE KEY-----\nMIIB' }, 'secret-value', 'ui_metadata.pem'],
    ['a URL with a secret parameter', { link: 'https://x.example/a?token=abc' }, 'secret-value', 'ui_metadata.link'],
    ['a random hex key', { k2: '0123456789abcdef0123456789abcdef' }, 'secret-value', 'ui_metadata.k2'],
    ['a NUL in a string', { display: { name: 'Open\u0000AI' } }, 'unstorable-text', 'ui_metadata.display.name'],
    ['a NUL in an array item', { badges: ['ok', '\u0000'] }, 'unstorable-text', 'ui_metadata.badges[1]'],
    ['a NUL in a key', { display: { 'na\u0000me': 'x' } }, 'unstorable-text', 'ui_metadata.display["na\\u0000me"]'],
    ['a lone high surrogate', { label: 'x\uD83D' }, 'unstorable-text', 'ui_metadata.label'],
    ['a lone low surrogate', { label: '\uDE00x' }, 'unstorable-text', 'ui_metadata.label'],
    ['reversed surrogates', { label: '\uDE00\uD83D' }, 'unstorable-text', 'ui_metadata.label'],
    ['a lone surrogate in a key', { ['a\uD800']: 1 }, 'unstorable-text', 'ui_metadata["a\\ud800"]'],
    ['a secret-looking key with a NUL, path redacted', { [`${secret}\u0000`]: 1 }, 'secret-key', 'ui_metadata[<redacted key>]'],
  ];
  it.each(rejected)('rejects %s', (_, value, rule, path) => {
    const error = rejection(value);
    expect(error).toMatchObject({ code: 'UNSAFE_UI_JSON', kind: 'invalid_input', field: 'ui_metadata', rule, path });
    expect(error.message).toContain(`ui_metadata rejected at ${path}`);
    expect(error.message).toContain(`rule ${rule}`);
    for (const leak of [secret, 'AbCdEfGh', 'hidden', 'abc123def', 'eyJ', 'MIIB', 'token=abc', '0123456789abcdef']) {
      expect(error.message).not.toContain(leak);
    }
  });

  it('names the field it was given', () => {
    const error = rejection({ token: 'x' }, 'ui_preferences');
    expect(error).toMatchObject({ field: 'ui_preferences', path: 'ui_preferences.token', rule: 'secret-key' });
    expect(error.message).toMatch(/^ui_preferences rejected at ui_preferences\.token: /);
  });

  it('says what kind of secret a value looks like, to make false positives understandable', () => {
    expect(rejection({ t: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz' }).message).toContain('looks like a JWT');
  });

  it('names the index and code point of a character PostgreSQL cannot store', () => {
    expect(rejection({ a: 'abc\u0000' }).message).toBe(
      'ui_metadata rejected at ui_metadata.a: the string contains a NUL character (U+0000) at index 3, which PostgreSQL cannot store (rule unstorable-text)',
    );
    expect(rejection({ a: 'ab\uDC00' }).message).toContain('unpaired UTF-16 surrogate (U+DC00) at index 2');
  });

  it('quotes a long bad key in the path cut to 64 characters, with escapes instead of raw control characters', () => {
    const key = `${'k'.repeat(100)}\n\u0000`;
    const error = rejection({ [key]: 1 });
    expect(error.path).toBe(`ui_metadata["${'k'.repeat(64)}"…]`);
    // eslint-disable-next-line no-control-regex -- a NUL must not reach the message
    expect(error.message).not.toMatch(/[\u0000\n]/);
  });

  it('stops at the depth limit on cyclic input instead of recursing forever', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(rejection(cyclic)).toMatchObject({ rule: 'too-deep', path: 'ui_metadata.self.self.self.self' });
  });
});
